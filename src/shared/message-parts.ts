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

/** The parts a port received before the message that ends them, joined with that message's rest. */
export class PartsReceived {
  private texts: string[] = [];

  add(part: MessagePart): void {
    this.texts.push(part.text);
  }

  /** The whole string; the parts are used up. */
  joinedWith(rest: string): string {
    const whole = this.texts.join('') + rest;
    this.texts = [];
    return whole;
  }
}
