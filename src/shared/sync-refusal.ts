/**
 * What the browser's synced storage refuses, in words the user can act on. Chrome names the limit
 * it hit: MAX_ITEMS (512 items: about 500 sites beside the settings) and QUOTA_BYTES are a full
 * store, MAX_WRITE_OPERATIONS_PER_MINUTE / _PER_HOUR (120 and 1,800 writes) a burst of changes,
 * which waiting cures. Firefox says only that it "exceeded its quota limitations": a full store.
 */
import { textOf } from '../core/errors';

export type SyncRefusal = 'full' | 'too-often';

export function syncRefusal(error: unknown): SyncRefusal | null {
  const text = textOf(error);
  if (/MAX_WRITE_OPERATIONS_PER_(MINUTE|HOUR)/.test(text)) return 'too-often';
  if (/MAX_ITEMS|QUOTA_BYTES|quota/i.test(text)) return 'full';
  return null;
}

/** The message for a refused write; `sitesOn` is how many sites auto-enhance is on for. */
export function syncRefusalMessage(refusal: SyncRefusal, sitesOn: number): string {
  if (refusal === 'too-often') return "the browser's synced storage takes only so many changes a minute: try again in a minute";
  const sites = sitesOn === 1 ? '1 site' : `${sitesOn} sites`;
  return `the browser's synced storage is full (auto-enhance is on for ${sites}): switch some sites off in the settings first`;
}
