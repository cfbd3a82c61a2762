/**
 * The one place errors are logged: tagged with where they came from, each message once, and
 * silent about "Extension context invalidated", which every extension update causes in old pages.
 */
import { textOf } from '../core/errors';

const seen = new Set<string>();

export function logError(where: string, error: unknown): void {
  const text = textOf(error);
  if (text.includes('Extension context invalidated')) return;
  const key = `${where}: ${text}`;
  if (seen.has(key)) return;
  seen.add(key);
  console.warn(`[Enhance] ${key}`);
}
