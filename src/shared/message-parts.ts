/**
 * Chrome refuses any extension message over 64 MiB ("Message exceeded maximum allowed size of
 * 64MiB"), and a data: URL can be longer: a large result's PNG near the 4096 x 4096 cap, or a large
 * image a page shows from a blob: URL. Such a string crosses the job port as parts (messages of
 * their own, in order), and the message it belongs to carries only the last part in its field.
 */
import type { MessagePart } from './protocol';

/** Half of Chrome's cap: a data: URL is ASCII (a byte a character), and the message adds its framing. */
export const PART_CHARS = 32 * 1024 * 1024;

/** Posts the parts of `text` that go before its message; returns the rest, which the message carries itself. */
export function postParts(post: (part: MessagePart) => void, text: string, partChars = PART_CHARS): string {
  let start = 0;
  for (; text.length - start > partChars; start += partChars) post({ type: 'part', text: text.slice(start, start + partChars) });
  return text.slice(start);
}

/**
 * The parts a port received before the message that ends them, joined with that message's rest.
 * `maxChars` bounds what is held: the engine takes parts from pages' content scripts, and a page
 * whose renderer is compromised could send parts without end and run the engine's page (every
 * tab's jobs) out of memory.
 */
export class PartsReceived {
  private texts: string[] = [];
  private chars = 0;

  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

  /** Returns false, and keeps nothing, where the parts would pass `maxChars`. */
  add(part: MessagePart): boolean {
    this.chars += part.text.length;
    if (this.chars > this.maxChars) {
      this.texts = [];
      return false;
    }
    this.texts.push(part.text);
    return true;
  }

  /** The whole string; the parts are used up. */
  joinedWith(rest: string): string {
    const whole = this.texts.join('') + rest;
    this.texts = [];
    this.chars = 0;
    return whole;
  }
}
