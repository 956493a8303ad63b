import fc from 'fast-check';
import { isIdKey } from '../../../src/platform/security/card-data.js';
import { getAt, kindOf, nest, pathsOf, setAt, type Json, type Path } from './json-attack.js';

/** Luhn-valid test card numbers, in the spellings people and payment apps use. */
export const PANS = ['4111111111111111', '5555 5555 5555 4444', '4111-1111-1111-1111', '378282246310005', '6011000990139424'];
const CARD_KEYS = ['card_number', 'cardNumber', 'credit_card_number', 'CC-Number', 'cvv', 'CVV2', 'cvc', 'security_code'];
const CVV = '7391';

/** Any stored text holding one of the PANs, whatever separators it uses between digits. */
const PAN_PATTERN = new RegExp(
  [...new Set(PANS.map((p) => p.replace(/\D/g, '')))].map((digits) => digits.split('').join('[ -]?')).join('|'),
);
/** A stored body still carrying a card key with a value. */
const CARD_KEY_PATTERN = /"(?:card[_ -]?number|cc[_ -]?number|credit[_ -]?card[_ -]?number|cvv2?|cvc2?|security[_ -]?code)"\s*:\s*(?!null)/i;

export function findCardData(text: string | null | undefined): string | null {
  if (!text) return null;
  const pan = PAN_PATTERN.exec(text);
  if (pan) return `PAN ${pan[0]}`;
  const key = CARD_KEY_PATTERN.exec(text);
  if (key) return `card key ${key[0]}`;
  return text.includes(CVV) && /cvv|cvc|security/i.test(text) ? 'CVV value' : null;
}

export type CardInjection =
  | { kind: 'pan-in-text'; path: Path; pan: string; embedded: boolean }
  | { kind: 'card-key'; path: Path; key: string; extraDepth: number; pan: string };

/** Puts card data into a body: a PAN in a string field (alone or in free text), or a card key at some depth under any object. */
export function cardInjection(body: Json): fc.Arbitrary<CardInjection> {
  const all = pathsOf(body);
  const strings = all.filter((p) => kindOf(getAt(body, p)) === 'string');
  const objects: Path[] = [[], ...all.filter((p) => kindOf(getAt(body, p)) === 'object')];
  const inText = fc.record({
    kind: fc.constant('pan-in-text' as const),
    path: fc.constantFrom(...strings),
    pan: fc.constantFrom(...PANS),
    embedded: fc.boolean(),
  });
  const underKey = fc.record({
    kind: fc.constant('card-key' as const),
    path: fc.constantFrom(...objects),
    key: fc.constantFrom(...CARD_KEYS),
    extraDepth: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(63, 64, 65, 100)),
    pan: fc.constantFrom(...PANS),
  });
  return strings.length > 0 ? fc.oneof(inText, underKey) : underKey;
}

export function injectCard(body: Json, injection: CardInjection): Json {
  if (injection.kind === 'pan-in-text') {
    // A bare digit run under an identifier's key is kept as the identifier it may be (card-data.ts);
    // written in a card's groups it is masked there too.
    const key = String([...injection.path].reverse().find((segment) => typeof segment === 'string') ?? '');
    const pan = !injection.embedded && isIdKey(key) ? injection.pan.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ') : injection.pan;
    const text = injection.embedded ? `please call me back, card ${pan} exp 12/29` : pan;
    return setAt(body, injection.path, text);
  }
  const value = /cvv|cvc|security/i.test(injection.key) ? CVV : injection.pan;
  const holder = getAt(body, injection.path) as Record<string, Json>;
  const leaf: Json = { [injection.key]: value, note: 'injected' };
  return setAt(body, injection.path, { ...holder, payment_context: nest(injection.extraDepth, leaf) });
}
