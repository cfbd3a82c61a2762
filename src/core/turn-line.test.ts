import { describe, expect, it } from 'vitest';
import { TurnLine } from './turn-line';

/** A task that records its name when it starts, and ends when `release` is called. */
function latched(name: string, log: string[]) {
  let release = () => {};
  const ended = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async () => {
      log.push(name);
      await ended;
    },
    release: () => release(),
  };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TurnLine', () => {
  it('runs tasks one at a time in order of arrival', async () => {
    const log: string[] = [];
    const line = new TurnLine(() => {});
    const a = latched('a', log);
    line.add(a.task, false);
    line.add(async () => void log.push('b'), false);
    await settled();
    expect(log).toEqual(['a']);
    a.release();
    await settled();
    expect(log).toEqual(['a', 'b']);
  });

  it("puts the user's tasks before automatic ones waiting, not before the one running, and keeps their own order", async () => {
    const log: string[] = [];
    const line = new TurnLine(() => {});
    const first = latched('auto 1', log);
    line.add(first.task, false);
    for (const [name, urgent] of [['auto 2', false], ['menu 1', true], ['auto 3', false], ['menu 2', true]] as const) line.add(async () => void log.push(name), urgent);
    await settled();
    expect(log).toEqual(['auto 1']);
    first.release();
    await settled();
    expect(log).toEqual(['auto 1', 'menu 1', 'menu 2', 'auto 2', 'auto 3']);
  });

  it('runs the tasks behind one that threw, and hands its error on', async () => {
    const log: string[] = [];
    const escaped: unknown[] = [];
    const line = new TurnLine((error) => escaped.push(error));
    line.add(async () => {
      throw new Error('boom');
    }, false);
    line.add(async () => void log.push('after'), false);
    await settled();
    expect(log).toEqual(['after']);
    expect(escaped).toEqual([new Error('boom')]);
  });

  it('goes on when what hears an escaped error throws too', async () => {
    const log: string[] = [];
    const line = new TurnLine(() => {
      throw new Error('the logger failed');
    });
    line.add(async () => {
      throw new Error('boom');
    }, false);
    line.add(async () => void log.push('after'), false);
    await settled();
    line.add(async () => void log.push('later'), false);
    await settled();
    expect(log).toEqual(['after', 'later']);
  });

  it('starts again after running dry', async () => {
    const log: string[] = [];
    const line = new TurnLine(() => {});
    line.add(async () => void log.push('one'), false);
    await settled();
    line.add(async () => void log.push('two'), true);
    await settled();
    expect(log).toEqual(['one', 'two']);
  });
});
