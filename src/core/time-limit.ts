/** Waits that must end: a browser API that may never answer is not allowed to hold its caller for good. */

/**
 * `pending`'s outcome, or, once `ms` pass without one, `late()`'s: a value to go on with, or a
 * throw that fails the wait. (`pending`, left behind when late, may still reject: the race's
 * handler on it keeps that from being an unhandled rejection.)
 */
export function within<T>(pending: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const lateOutcome = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  return Promise.race([pending, lateOutcome]).finally(() => clearTimeout(timer));
}

/** For `within`'s `late`: fails the wait with "`what` in N s". */
export function timedOut(what: string, ms: number): () => never {
  return () => {
    throw new Error(`${what} in ${ms / 1000} s`);
  };
}
