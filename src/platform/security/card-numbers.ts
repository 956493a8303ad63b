/**
 * Last line of defence for bodies that cannot be parsed (so field-based stripping cannot
 * run): any run of 13–19 digits, optionally split by spaces or dashes, that passes the
 * Luhn check is masked before the bytes are stored.
 */
const CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

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

export function maskCardNumbers(text: string): { text: string; masked: number } {
  let masked = 0;
  const out = text.replace(CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return match;
    masked += 1;
    return '*'.repeat(match.length);
  });
  return { text: out, masked };
}
