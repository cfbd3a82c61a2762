import { describe, expect, it } from 'vitest';
import { HeadStarts } from './head-start';

/** Downloads that end when told, recording which began. */
function downloads() {
  const begun: string[] = [];
  const finish = new Map<string, (value: string) => void>();
  const fail = new Map<string, (error: Error) => void>();
  const of = (name: string) => () => {
    begun.push(name);
    return new Promise<string>((resolve, reject) => {
      finish.set(name, resolve);
      fail.set(name, reject);
    });
  };
  return { begun, finish, fail, of };
}

describe('HeadStarts', () => {
  it('downloads as many at once as it has slots; a job taking its file frees a slot for the next', async () => {
    const { begun, finish, of } = downloads();
    const starts = new HeadStarts(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => starts.start(of(name)));
    expect(begun).toEqual(['a', 'b']);
    const file = a.take();
    expect(begun).toEqual(['a', 'b', 'c']);
    finish.get('a')!('bytes of a');
    expect(await file).toBe('bytes of a');
    b.drop();
    c.drop();
  });

  it('a job whose turn comes before its download began downloads then, and never again from the queue', () => {
    const { begun, of } = downloads();
    const starts = new HeadStarts(1);
    const a = starts.start(of('a'));
    const b = starts.start(of('b'));
    void b.take();
    expect(begun).toEqual(['a', 'b']);
    a.drop();
    // b's place in the queue went with its take: nothing starts twice.
    expect(begun).toEqual(['a', 'b']);
    starts.start(of('c'));
    expect(begun).toEqual(['a', 'b', 'c']);
  });

  it('a dropped job frees its slot or its place, once however often dropped; its failed download is not left unheard', async () => {
    const { begun, fail, of } = downloads();
    const starts = new HeadStarts(1);
    const a = starts.start(of('a'));
    const b = starts.start(of('b'));
    const c = starts.start(of('c'));
    b.drop();
    fail.get('a')!(new Error('page gone'));
    a.drop();
    a.drop();
    expect(begun).toEqual(['a', 'c']);
    // c holds the one slot: d waits.
    starts.start(of('d'));
    expect(begun).toEqual(['a', 'c']);
    c.drop();
    expect(begun).toEqual(['a', 'c', 'd']);
    // An unhandled rejection of a's download would fail this file's run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
