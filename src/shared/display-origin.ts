/**
 * An origin as a person reads it. `URL` gives internationalized host names in their ASCII form
 * (`https://xn--mnchen-3ya.de`), which the address bar shows as `https://münchen.de`: the popup
 * and the options page show that form too, and keep the ASCII one as the key they store. Like the
 * address bar, they keep the ASCII form of a name that could pass for another: one that mixes
 * scripts (a Cyrillic "а" in "аpple"), or one whose Cyrillic or Greek letters all look Latin
 * ("аррӏе"), so a switch listed for such a site never reads as one for the site it imitates.
 */

// Punycode (RFC 3492) parameters.
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function digitOf(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 22; // 0-9 -> 26-35
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // a-z
  return BASE;
}

/** Decodes one Punycode label (without `xn--`); null when it is not valid Punycode. */
export function decodePunycode(input: string): string | null {
  const end = input.lastIndexOf('-');
  const output = end > 0 ? [...input.slice(0, end)].map((c) => c.codePointAt(0) ?? 0) : [];
  if (output.some((code) => code >= 0x80)) return null;
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let pos = end > 0 ? end + 1 : 0; pos < input.length; ) {
    const oldI = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (pos >= input.length) return null;
      const digit = digitOf(input.charCodeAt(pos++));
      if (digit >= BASE) return null;
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (!Number.isSafeInteger(i) || !Number.isSafeInteger(w)) return null;
    }
    bias = adapt(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return null;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** Scripts that mix in one name without deceiving: Japanese, Chinese and Korean writing, with Latin. */
const MIXES = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Han', 'Hiragana', 'Katakana', 'Bopomofo', 'Hangul', 'Arabic', 'Hebrew', 'Armenian', 'Georgian', 'Thai', 'Devanagari'];
const SCRIPT_PATTERNS = SCRIPTS.map((script) => [script, new RegExp(`\\p{Script=${script}}`, 'u')] as const);
/** Cyrillic and Greek letters that look like Latin ones (Chromium's IDN spoof checker keeps a list like it). */
const LATIN_LOOKALIKES = /^[аысԁеԍһіюјӏорԛѕԝхуъьҽпгѵѡαικνορτυχ]+$/u;

/** Whether a decoded label reads as what it is: no mix of scripts, and not Cyrillic or Greek posing as Latin. */
function readsTrue(label: string): boolean {
  // Letters of every script: not Common or Inherited ones, such as Japanese's prolonged sound mark "ー".
  const letters = [...label].filter((c) => /\p{L}/u.test(c) && !/\p{Script=Common}|\p{Script=Inherited}/u.test(c));
  const scripts = new Set(letters.map((c) => SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(c))?.[0] ?? 'other'));
  if (scripts.size > 1 && !MIXES.some((mix) => [...scripts].every((script) => mix.includes(script)))) return false;
  return !LATIN_LOOKALIKES.test(letters.join(''));
}

function displayLabel(label: string): string {
  if (!label.toLowerCase().startsWith('xn--')) return label;
  const decoded = decodePunycode(label.slice(4));
  return decoded !== null && readsTrue(decoded) ? decoded : label;
}

/** `https://xn--mnchen-3ya.de:8080` -> `münchen.de:8080`: the host as a person reads it (a URL would encode it again); anything else as given. */
export function displayHost(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return origin;
  }
  return `${readableName(url.hostname)}${url.port ? `:${url.port}` : ''}`;
}

/** `https://img.xn--mnchen-3ya.de:8080/a.jpg` -> `img.münchen.de`: the site to allow, as site access names it (any port). */
export function displaySiteName(url: string): string {
  return readableName(new URL(url).hostname);
}

function readableName(hostname: string): string {
  return hostname.split('.').map(displayLabel).join('.');
}

/** `https://xn--mnchen-3ya.de:8080` -> `https://münchen.de:8080`; anything else as given. */
export function displayOrigin(origin: string): string {
  let protocol: string;
  try {
    protocol = new URL(origin).protocol;
  } catch {
    return origin;
  }
  return `${protocol}//${displayHost(origin)}`;
}
