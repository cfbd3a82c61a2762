/**
 * A small WebDriver BiDi client: how the Firefox tests drive Firefox. Playwright's Firefox support
 * speaks commands newer than Debian's Firefox ESR knows, and the standard protocol needs only a
 * WebSocket (Node 20 has one behind --experimental-websocket; vitest.config.ts passes the flag).
 */
interface Pending {
  method: string;
  ok(result: unknown): void;
  fail(error: Error): void;
}

export interface BidiEvent {
  method: string;
  params: Record<string, unknown>;
}

type RemoteValue = { type: string; value?: unknown };
type EvaluateResult = { type: 'success'; result: RemoteValue } | { type: 'exception'; exceptionDetails: { text: string } };

export class BidiSession {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: BidiEvent) => void)[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (message) => this.receive(String(message.data)));
    socket.addEventListener('close', () => {
      for (const { method, fail } of this.pending.values()) fail(new Error(`${method}: the browser closed the connection`));
      this.pending.clear();
    });
  }

  /** Connects to `ws://host:port` as printed by Firefox, and starts a session. */
  static async open(url: string): Promise<BidiSession> {
    if (typeof WebSocket === 'undefined') throw new Error('no WebSocket in this Node: run it with --experimental-websocket');
    const socket = new WebSocket(`${url}/session`);
    await new Promise<void>((ok, fail) => {
      socket.addEventListener('open', () => ok(), { once: true });
      socket.addEventListener('error', () => fail(new Error(`cannot connect to ${url}`)), { once: true });
    });
    const session = new BidiSession(socket);
    await session.send('session.new', { capabilities: {} });
    return session;
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as { id?: number; type: string; result?: unknown; error?: string; message?: string; method?: string; params?: Record<string, unknown> };
    if (message.type === 'event' && message.method) {
      for (const listener of this.listeners) listener({ method: message.method, params: message.params ?? {} });
      return;
    }
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending || message.id === undefined) return;
    this.pending.delete(message.id);
    if (message.type === 'error') pending.fail(new Error(`${pending.method}: ${message.error}: ${message.message}`));
    else pending.ok(message.result);
  }

  send<T = unknown>(method: string, params: object): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((ok, fail) => {
      // A socket that is already closed throws here: nothing is left waiting for an answer.
      this.socket.send(JSON.stringify({ id, method, params }));
      this.pending.set(id, { method, ok: ok as (result: unknown) => void, fail });
    });
  }

  onEvent(listener: (event: BidiEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs an async function body in a browsing context and returns what it returns, through JSON
   * (BiDi's own serialization of objects is a tree of typed nodes).
   */
  async evaluate<T>(context: string, body: string, args: unknown[] = []): Promise<T> {
    const expression = `(async (...args) => JSON.stringify(await (async (...args) => { ${body} })(...args)))(...${JSON.stringify(args)})`;
    const outcome = await this.send<EvaluateResult>('script.evaluate', { expression, target: { context }, awaitPromise: true });
    if (outcome.type === 'exception') throw new Error(`in the page: ${outcome.exceptionDetails.text}`);
    const { value } = outcome.result;
    return (value === undefined ? undefined : JSON.parse(String(value))) as T;
  }

  close(): void {
    this.socket.close();
  }
}
