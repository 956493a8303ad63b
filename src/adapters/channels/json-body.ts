/** Parsing a stored delivery's body: big ids kept exact, absurd nesting refused before parsing. */

/** Integer literals with more digits than this are turned into strings (2^53 has 16 digits). */
const MAX_SAFE_DIGITS = 15;

/**
 * JSON.parse that keeps big integers exact: every integer literal (no fraction, no exponent)
 * with more than 15 digits is rewritten as a JSON string before parsing, so Shopify ids like
 * 5723409812345678901 arrive as "5723409812345678901" instead of a rounded number.
 * The scan follows JSON's grammar: text inside string literals (including escaped quotes)
 * is copied untouched. Invalid JSON throws the same SyntaxError JSON.parse would; a body
 * nested deeper than MAX_JSON_DEPTH throws JsonTooDeepError (a SyntaxError) before parsing.
 */
export function parseJsonPreservingBigIds(text: string): unknown {
  return JSON.parse(quoteBigIntegers(text));
}

/**
 * Deepest nesting of arrays and objects a body may have. Shopify's order and fulfilment
 * bodies nest under ten levels; the validators that walk a parsed body recurse, so a body
 * nested thousands deep must be refused before it is parsed, not by a stack overflow later.
 */
export const MAX_JSON_DEPTH = 64;

/** A body nested deeper than {@link MAX_JSON_DEPTH}; `field` is the top-level key it is under. */
export class JsonTooDeepError extends SyntaxError {
  constructor(readonly field: string, readonly offset: number) {
    super(`nests deeper than ${MAX_JSON_DEPTH} levels${field ? ` under "${field}"` : ''} (at character ${offset})`);
    this.name = 'JsonTooDeepError';
  }
}

function quoteBigIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let index = 0;
  let depth = 0;
  // The last string literal seen and the top-level key, so a too deep body names its field.
  let lastString = '';
  let topKey = '';
  const length = text.length;
  while (index < length) {
    const char = text.charCodeAt(index);
    if (char === 0x22 /* " */) {
      // Skip a whole string literal, honouring backslash escapes.
      const start = index;
      index += 1;
      while (index < length) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c /* \ */) {
          index += 2;
          continue;
        }
        index += 1;
        if (inner === 0x22) break;
      }
      if (depth === 1) lastString = text.slice(start + 1, Math.min(index - 1, start + 101));
      continue;
    }
    if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(topKey, index);
      index += 1;
      continue;
    }
    if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth -= 1;
      index += 1;
      continue;
    }
    if (char === 0x3a /* : */ && depth === 1) topKey = lastString;
    if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39)) {
      const start = index;
      if (char === 0x2d) index += 1;
      const digitsStart = index;
      while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      const digitCount = index - digitsStart;
      // JSON forbids leading zeros ("0123"); leave such text for JSON.parse to reject.
      let integer = digitCount > 0 && !(digitCount > 1 && text.charCodeAt(digitsStart) === 0x30);
      if (index < length && text.charCodeAt(index) === 0x2e /* . */) {
        integer = false;
        index += 1;
        while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      }
      if (index < length && (text.charCodeAt(index) === 0x65 || text.charCodeAt(index) === 0x45) /* e E */) {
        integer = false;
        index += 1;
        if (index < length && (text.charCodeAt(index) === 0x2b || text.charCodeAt(index) === 0x2d)) index += 1;
        while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      }
      if (integer && digitCount > MAX_SAFE_DIGITS) {
        out += text.slice(copiedUpTo, start) + '"' + text.slice(start, index) + '"';
        copiedUpTo = index;
      }
      if (index === start) index += 1;
      continue;
    }
    index += 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

