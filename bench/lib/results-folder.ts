/** Where a run writes results.md/json/png: bench/ keeps the last full, finished run, which the README shows. */
import { join, resolve } from 'node:path';

export interface RunKind {
  quick: boolean;
  /** --only: a subset of the methods. */
  only?: string;
  /** --out: the user's folder, whatever the run. */
  out?: string;
  /** The run measured all it planned: no exception cut it short. */
  finished: boolean;
  /** Methods whose runs failed (their cells empty, the error in their row): a broken run too. */
  failedMethods: number;
}

export function resultsFolder(root: string, { quick, only, out, finished, failedMethods }: RunKind): string {
  if (out !== undefined) return resolve(out);
  return join(root, quick || only !== undefined || !finished || failedMethods > 0 ? 'bench/work' : 'bench');
}
