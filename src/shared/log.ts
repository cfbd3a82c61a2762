/**
 * The one place errors are logged: tagged with where they came from, each message once, and
 * silent about "Extension context invalidated", which every extension update causes in old pages.
 */
const seen = new Set<string>();

export function logError(where: string, error: unknown): void {
  const text = error instanceof Error ? error.message : String(error);
  if (text.includes('Extension context invalidated')) return;
  const key = `${where}: ${text}`;
  if (seen.has(key)) return;
  seen.add(key);
  console.warn(`[Enhance] ${key}`);
}
