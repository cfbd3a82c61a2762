/**
 * The page's blob: URLs found revoked, and ours freed: one never loads again, and each request for
 * it is an error line in the page's console ("Failed to load resource"), so a job on it goes
 * straight to the pixels shown (job.ts forEngine) instead of asking again.
 */
import { keepNewest } from '../core/bounded';

const revoked = new Set<string>();

/** A long feed of upload previews, each revoked: the newest are the ones still shown. */
const KEPT = 500;

export function noteRevoked(url: string): void {
  revoked.add(url);
  keepNewest(revoked, KEPT);
}

export function isRevoked(url: string): boolean {
  return revoked.has(url);
}
