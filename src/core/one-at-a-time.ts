/**
 * Read-modify-write steps over browser storage run one after another: storage has no transactions,
 * and two steps interleaved (two frames reporting at once, a shortcut pressed twice) would both read
 * the old value and one write would be lost. One worker instance runs them all, so a promise chain
 * suffices. A step that fails fails its caller only; the steps behind it still run.
 */
export function oneAtATime(): <T>(step: () => Promise<T>) => Promise<T> {
  let chain: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = chain.then(step);
    chain = run.catch(() => undefined);
    return run;
  };
}
