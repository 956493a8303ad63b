/**
 * Card numbers (PANs) in free text. A PAN is 13–19 digits, written plain or in groups split
 * by single spaces or dashes, that passes the Luhn check. Within a longer run of digit groups
 * ("qty 2 4111 1111 1111 1111") every window of whole groups is tried, longest first, so a
 * neighbouring number does not hide the card; a window never splits a group, so one long
 * unbroken digit run (an id) is judged as a whole.
 */
/** Runs of at least 13 digits, single spaces or dashes allowed between them. */
const DIGIT_RUNS = /(?<!\d)\d(?:[ -]?\d){12,}(?!\d)/g;
const GROUP = /\d+/g;
/** Cheap pre-scan: 13 digits close together, or a \u003X escape that could spell a digit in JSON. */
const MAYBE_PAN = /\d(?:[ -]?\d){12}|\\u003/;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

export function luhnValid(digits: string): boolean {
  let total = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
    double = !double;
  }
  return total % 10 === 0;
}

/** Whether the text could hold a PAN at all; false means no PAN scan is needed. */
export function mayContainPan(text: string): boolean {
  return MAYBE_PAN.test(text);
}

/** [start, end) character ranges of the PANs in the text. */
export function findPans(text: string): [number, number][] {
  const found: [number, number][] = [];
  if (!mayContainPan(text)) return found;
  for (const run of text.matchAll(DIGIT_RUNS)) {
    const groups = [...run[0].matchAll(GROUP)].map((g) => ({ start: run.index + g.index, text: g[0] }));
    let first = 0;
    while (first < groups.length) {
      const last = longestPanFrom(groups, first);
      if (last < 0) {
        first += 1;
        continue;
      }
      found.push([groups[first].start, groups[last].start + groups[last].text.length]);
      first = last + 1;
    }
  }
  return found;
}

/** The index of the last group of the longest Luhn-valid window starting at `first`, or -1. */
function longestPanFrom(groups: readonly { text: string }[], first: number): number {
  let digits = '';
  let best = -1;
  for (let last = first; last < groups.length; last++) {
    digits += groups[last].text;
    if (digits.length > MAX_DIGITS) break;
    if (digits.length >= MIN_DIGITS && luhnValid(digits)) best = last;
  }
  return best;
}

/** The text with every digit of every PAN replaced by "*" (separators kept). */
export function maskCardNumbers(text: string): { text: string; masked: number } {
  const pans = findPans(text);
  if (pans.length === 0) return { text, masked: 0 };
  let out = '';
  let copied = 0;
  for (const [start, end] of pans) {
    out += text.slice(copied, start) + text.slice(start, end).replace(/\d/g, '*');
    copied = end;
  }
  return { text: out + text.slice(copied), masked: pans.length };
}

/**
 * PANs in bytes that could not be read as JSON. Digits are looked for in three views: one
 * byte per character (ASCII, UTF-8, Latin-1) and, when the bytes hold NULs, two bytes per
 * character at either alignment (UTF-16 little- or big-endian). Masked digits become "*"
 * in place, so the length and every other byte stay as they were.
 */
export function maskCardNumbersInBytes(bytes: Buffer): { bytes: Buffer; masked: number } {
  const out = Buffer.from(bytes);
  let masked = 0;
  const views: [offset: number, width: 1 | 2][] = [[0, 1]];
  if (bytes.includes(0)) views.push([0, 2], [1, 2]);
  for (const [offset, width] of views) {
    const slice = out.subarray(offset, width === 2 ? offset + ((out.length - offset) & ~1) : undefined);
    const text = width === 1 ? slice.toString('latin1') : slice.toString('utf16le');
    for (const [start, end] of findPans(text)) {
      masked += 1;
      for (let i = start; i < end; i++) {
        if (text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) slice[i * width] = 0x2a;
      }
    }
  }
  return { bytes: masked > 0 ? out : bytes, masked };
}
