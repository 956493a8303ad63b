/**
 * Card data in JSON bodies, at any depth, without recursion (a body nested 10,000 deep must
 * neither overflow the stack nor slip through). Two rules, applied everywhere:
 *
 * 1. Members whose key always holds card data are removed: card_number, cc_number,
 *    credit_card_number, cvv, cvv2, cvc, cvc2, security_code, card_security_code,
 *    verification_value (any case, "_", "-" or spaces). A bare "number" is removed under a
 *    card/payment object, or when its value looks like a PAN — Shopify's order root also has
 *    "number" (the shop's sequential order number), which is kept.
 * 2. Card numbers inside any JSON string are masked digit by digit (see card-numbers.ts).
 *    Shopify ids are 13–19 digits and one in ten passes Luhn, so JSON numbers are never
 *    masked, and neither is a single token (no whitespace) under a key that names an identifier:
 *    id, *_id, *Id, ref, *_ref, *Ref (each also plural: the fulfilment contract's lineRef is a
 *    Shopify line id as a string), or a tracking number, sku, barcode, gtin, ean, upc or isbn
 *    (array elements take the key of their array). Identifiers never hold whitespace, so a
 *    card number written in spaced groups, or inside other text, is masked there too.
 *
 * What was removed or masked is listed as dotted paths ("transactions.0.card.number",
 * "note (card number masked)"), never with the values.
 */
import { findPans, maskCardNumbers, mayContainPan } from './card-numbers.js';

const CARD_DATA_KEYS: ReadonlySet<string> = new Set([
  'cardnumber', 'ccnumber', 'creditcardnumber', 'cvv', 'cvv2', 'cvc', 'cvc2', 'securitycode', 'cardsecuritycode', 'verificationvalue',
]);
/** Parent keys that make a bare "number" key a card number. */
const CARD_CONTEXT = /card|payment|credit|^cc$|^cc_|tender|wallet/i;
/** A bare "number" elsewhere is removed when its value looks like a PAN (12–19 digits, spaces/dashes allowed). */
const PAN_LIKE = /^\d(?:[ -]?\d){11,18}$/;
const SNAKE_ID_KEY = /(?:^|[_\- ])(?:ids?|refs?)$/i;
const CAMEL_ID_KEY = /[a-z0-9](?:I[dD]|Ref)s?$/;
const CODE_KEY = /tracking|^skus?$|barcode|gtin|^ean|^upc|isbn/i;
const MASKED = ' (card number masked)';

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}

/** Keys whose strings are identifiers, never masked as card numbers. */
export function isIdKey(key: string | null): boolean {
  return key !== null && (SNAKE_ID_KEY.test(key) || CAMEL_ID_KEY.test(key) || CODE_KEY.test(key));
}

function removesMember(key: string, cardContext: boolean, valueLooksPan: () => boolean): boolean {
  const normalised = normaliseKey(key);
  return CARD_DATA_KEYS.has(normalised) || (normalised === 'number' && (cardContext || valueLooksPan()));
}

/** Dotted paths, linked to their parent so a deep walk does not copy the path at every level. */
interface PathNode {
  readonly parent: PathNode | null;
  readonly segment: string;
  readonly depth: number;
}

function child(parent: PathNode | null, segment: string): PathNode {
  return { parent, segment, depth: (parent?.depth ?? 0) + 1 };
}

const SHOWN_SEGMENTS = 12;

function render(path: PathNode | null): string {
  if (path === null) return '(root)';
  const segments: string[] = [];
  for (let node: PathNode | null = path; node !== null && segments.length < SHOWN_SEGMENTS; node = node.parent) segments.push(node.segment);
  segments.reverse();
  return path.depth > SHOWN_SEGMENTS ? `…(${path.depth - SHOWN_SEGMENTS} levels).${segments.join('.')}` : segments.join('.');
}

interface Visit {
  readonly value: unknown;
  readonly cardContext: boolean;
  readonly key: string | null;
}

/**
 * Whether {@link redactCardDataInJson} would change the body, answered over an already parsed
 * body without copying it. Numbers under "number" of 12 digits or more count as PAN-like (the
 * native parser may have rounded them), a superset of what the redaction removes. Only
 * containers are stacked; strings are judged where they are met, by a cheap regex first,
 * which keeps the walk over an ordinary order to tens of microseconds.
 */
export function containsCardData(value: unknown): boolean {
  if (typeof value === 'string') return findPans(value).length > 0;
  const stack: Visit[] = [{ value, cardContext: false, key: null }];
  while (stack.length > 0) {
    const visit = stack.pop() as Visit;
    const current = visit.value;
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item === 'object') stack.push({ value: item, cardContext: visit.cardContext, key: visit.key });
        else if (typeof item === 'string' && stringHoldsPan(item, visit.key)) return true;
      }
      continue;
    }
    for (const key in current) {
      const item = (current as Record<string, unknown>)[key];
      const verdict = keyVerdict(key);
      if (verdict === 'card') return true;
      if (verdict === 'number' && (visit.cardContext || looksLikePan(item) || (typeof item === 'number' && Math.abs(item) >= 1e11))) return true;
      if (typeof item === 'object') stack.push({ value: item, cardContext: visit.cardContext || CARD_CONTEXT.test(key), key });
      else if (typeof item === 'string' && stringHoldsPan(item, key)) return true;
    }
  }
  return false;
}

/**
 * A string left alone although it may hold a Luhn-valid run: a single token (no whitespace)
 * under an identifier's key. Identifiers such as "EVT-20261204184500-000123" or
 * "gid://shopify/Order/…" carry long digit runs and are never written with spaces; a card
 * number written in its groups, or inside free text, has them and is masked there too.
 */
function identifierValue(key: string | null, value: string): boolean {
  return isIdKey(key) && !/\s/.test(value);
}

function stringHoldsPan(value: string, key: string | null): boolean {
  return mayContainPan(value) && !identifierValue(key, value) && findPans(value).length > 0;
}

/** Key verdicts, cached: bodies repeat a small vocabulary of keys. */
const verdicts = new Map<string, 'card' | 'number' | 'other'>();
const MAX_CACHED_KEYS = 10_000;

function keyVerdict(key: string): 'card' | 'number' | 'other' {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    const normalised = normaliseKey(key);
    verdict = CARD_DATA_KEYS.has(normalised) ? 'card' : normalised === 'number' ? 'number' : 'other';
    if (verdicts.size >= MAX_CACHED_KEYS) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}

function looksLikePan(value: unknown): boolean {
  if (typeof value === 'string') return PAN_LIKE.test(value.trim());
  if (typeof value === 'number' || typeof value === 'bigint') return PAN_LIKE.test(String(value));
  return false;
}

interface CopyTask {
  readonly value: unknown;
  readonly holder: Record<string | number, unknown>;
  readonly slot: string | number;
  readonly path: PathNode | null;
  readonly cardContext: boolean;
  readonly key: string | null;
}

/** A deep copy of a parsed body with the card data removed or masked, and what was. The input is not modified. */
export function stripCardData(value: unknown): { value: unknown; removed: string[] } {
  const removed: string[] = [];
  const root: Record<string, unknown> = {};
  const stack: CopyTask[] = [{ value, holder: root, slot: 'value', path: null, cardContext: false, key: null }];
  while (stack.length > 0) {
    const task = stack.pop() as CopyTask;
    const current = task.value;
    if (typeof current === 'string' && !identifierValue(task.key, current)) {
      const masked = maskCardNumbers(current);
      if (masked.masked > 0) removed.push(render(task.path) + MASKED);
      put(task.holder, task.slot, masked.text);
    } else if (current === null || typeof current !== 'object') {
      put(task.holder, task.slot, current);
    } else if (Array.isArray(current)) {
      const copy: unknown[] = new Array(current.length);
      put(task.holder, task.slot, copy);
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ ...task, value: current[index], holder: copy as never, slot: index, path: child(task.path, String(index)) });
      }
    } else {
      const copy: Record<string, unknown> = {};
      put(task.holder, task.slot, copy);
      const tasks: CopyTask[] = [];
      for (const [key, item] of Object.entries(current as Record<string, unknown>)) {
        const path = child(task.path, key);
        if (removesMember(key, task.cardContext, () => looksLikePan(item))) {
          removed.push(render(path));
          continue;
        }
        put(copy, key, undefined); // keeps the key order while the value is filled in later
        tasks.push({ value: item, holder: copy, slot: key, path, cardContext: task.cardContext || CARD_CONTEXT.test(key), key });
      }
      for (let index = tasks.length - 1; index >= 0; index--) stack.push(tasks[index]);
    }
  }
  return { value: root.value, removed };
}

/** An own property even for "__proto__", which JSON.parse also makes an own property. */
function put(holder: Record<string | number, unknown>, slot: string | number, value: unknown): void {
  Object.defineProperty(holder, slot, { value, writable: true, enumerable: true, configurable: true });
}

interface Frame {
  readonly array: boolean;
  readonly path: PathNode | null;
  readonly cardContext: boolean;
  /** The key of the member holding this container, inherited by nested arrays. */
  readonly ownerKey: string | null;
  index: number;
  written: number;
}

/**
 * The same redaction as {@link stripCardData}, over JSON text that is known to be valid,
 * copying tokens as they are: numbers keep every digit (no id is rounded or turned into a
 * string) and untouched strings keep their escapes. Whitespace is dropped.
 */
export function redactCardDataInJson(text: string): { text: string; removed: string[] } {
  const out: string[] = [];
  const removed: string[] = [];
  const stack: Frame[] = [];
  let next: { path: PathNode | null; cardContext: boolean; key: string | null } | null = { path: null, cardContext: false, key: null };
  let i = 0;
  for (;;) {
    i = skipWhitespace(text, i);
    if (next !== null) {
      const value = next;
      next = null;
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push({ array: c === '[', path: value.path, cardContext: value.cardContext, ownerKey: value.key, index: 0, written: 0 });
        out.push(c);
        i += 1;
        continue;
      }
      const end = c === '"' ? stringEnd(text, i) : scalarEnd(text, i);
      const token = text.slice(i, end);
      out.push(c === '"' && !identifierValue(value.key, token.slice(1, -1)) ? maskLiteral(token, value.path, removed) : token);
      i = end;
      continue;
    }
    const top = stack.at(-1);
    if (top === undefined) break;
    if (text[i] === '}' || text[i] === ']') {
      out.push(text[i]);
      stack.pop();
      i += 1;
      continue;
    }
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
    if (top.array) {
      if (top.written++ > 0) out.push(',');
      next = { path: child(top.path, String(top.index++)), cardContext: top.cardContext, key: top.ownerKey };
      continue;
    }
    const keyEnd = stringEnd(text, i);
    const rawKey = text.slice(i, keyEnd);
    const key = decodeLiteral(rawKey);
    i = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const path = child(top.path, key);
    const valueAt = i;
    if (removesMember(key, top.cardContext, () => looksLikePan(literalValue(text, valueAt)))) {
      removed.push(render(path));
      i = skipValue(text, i);
      continue;
    }
    if (top.written++ > 0) out.push(',');
    out.push(rawKey, ':');
    next = { path, cardContext: top.cardContext || CARD_CONTEXT.test(key), key };
  }
  return { text: out.join(''), removed };
}

function maskLiteral(token: string, path: PathNode | null, removed: string[]): string {
  if (!mayContainPan(token)) return token;
  const masked = maskCardNumbers(decodeLiteral(token));
  if (masked.masked === 0) return token;
  removed.push(render(path) + MASKED);
  return JSON.stringify(masked.text);
}

function decodeLiteral(token: string): string {
  return token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
}

/** A string's text or a number's digits, for the "number" rule; null for anything else. */
function literalValue(text: string, at: number): string | null {
  if (text[at] === '"') return decodeLiteral(text.slice(at, stringEnd(text, at)));
  const token = text.slice(at, scalarEnd(text, at));
  return /^\d+$/.test(token) ? token : null;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i += 1;
  return i;
}

/** The index just past the string literal starting at i. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

function scalarEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && !',]} \n\r\t'.includes(text[j])) j += 1;
  return j;
}

/** The index just past the whole value starting at i, however deeply it nests. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  do {
    i = skipWhitespace(text, i);
    const c = text[i];
    if (c === '{' || c === '[') {
      depth += 1;
      i += 1;
    } else if (c === '}' || c === ']') {
      depth -= 1;
      i += 1;
    } else if (c === '"') {
      i = stringEnd(text, i);
    } else if (c === ',' || c === ':') {
      i += 1;
    } else {
      i = scalarEnd(text, i);
    }
  } while (depth > 0 && i < text.length);
  return i;
}
