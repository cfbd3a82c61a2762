import { describe, expect, it } from 'vitest';
import { PART_CHARS, PartsReceived, postParts } from './message-parts';
import { isMessagePart, type MessagePart } from './protocol';

function split(text: string, partChars?: number): { parts: MessagePart[]; rest: string } {
  const parts: MessagePart[] = [];
  const rest = postParts((part) => parts.push(part), text, partChars);
  return { parts, rest };
}

describe('postParts', () => {
  it('a string that fits one message posts nothing: the message carries it whole', () => {
    expect(split('data:image/png;base64,AAAA')).toEqual({ parts: [], rest: 'data:image/png;base64,AAAA' });
  });

  it('a longer one posts parts of the given size, in order, and the message keeps the rest', () => {
    expect(split('abcdefghij', 4)).toEqual({
      parts: [
        { type: 'part', text: 'abcd' },
        { type: 'part', text: 'efgh' },
      ],
      rest: 'ij',
    });
  });

  it('an exact multiple leaves a whole part as the rest, never an empty one', () => {
    expect(split('abcdefgh', 4)).toEqual({ parts: [{ type: 'part', text: 'abcd' }], rest: 'efgh' });
  });

  it("keeps every message under Chrome's 64 MiB cap", () => expect(PART_CHARS).toBeLessThan(64 * 1024 * 1024 - 1024));
});

describe('PartsReceived', () => {
  it('joins what was split, in order, and starts afresh for the next message', () => {
    const text = 'data:image/png;base64,' + 'QUJD'.repeat(100);
    const received = new PartsReceived();
    const { parts, rest } = split(text, 37);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) received.add(part);
    expect(received.joinedWith(rest)).toBe(text);
    expect(received.joinedWith('data:x')).toBe('data:x');
  });

  it('refuses parts past its bound, and keeps none of them', () => {
    const received = new PartsReceived(10);
    expect(received.add({ type: 'part', text: 'abcdef' })).toBe(true);
    expect(received.add({ type: 'part', text: 'ghij' })).toBe(true);
    expect(received.add({ type: 'part', text: 'k' })).toBe(false);
    expect(received.joinedWith('')).toBe('');
    // A new message starts afresh.
    expect(received.add({ type: 'part', text: 'abcdefghij' })).toBe(true);
    expect(received.joinedWith('!')).toBe('abcdefghij!');
  });
});

describe('isMessagePart', () => {
  it.each([
    [{ type: 'part', text: 'abc' }, true],
    [{ type: 'part' }, false],
    [{ type: 'part', text: 3 }, false],
    [null, false],
    ['part', false],
  ])('%j: %s', (message, is) => expect(isMessagePart(message)).toBe(is));
});
