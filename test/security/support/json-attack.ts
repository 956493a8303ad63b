import fc from 'fast-check';

/** A number literal written verbatim (-0, 1e400, 400 digits): JSON.stringify cannot say these. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Json = null | boolean | number | string | bigint | RawJson | Json[] | { [key: string]: Json };
export type Path = readonly (string | number)[];

const BIG_MARK = '\u0001big:';
/** Integer literals of 16+ digits outside strings; the lookbehind keeps fractions and exponents out. */
const TOKEN = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

/** Parses a fixture keeping Shopify's big ids exact (as bigint), so a re-serialised body differs only where mutated. */
export function parseFixture(text: string): Json {
  const marked = text.replace(TOKEN, (token) => (token.startsWith('"') ? token : `"\\u0001big:${token}"`));
  return revive(JSON.parse(marked) as Json);
}

function revive(value: Json): Json {
  if (typeof value === 'string') return value.startsWith(BIG_MARK) ? BigInt(value.slice(BIG_MARK.length)) : value;
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object' && !(value instanceof RawJson)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

/** Text the serialiser writes as is: brackets and separators. */
class Token {
  constructor(readonly text: string) {}
}

/** JSON text of a value; iterative, so the deepest nesting the suite builds cannot overflow the stack here. */
export function serialize(root: Json): string {
  const out: string[] = [];
  const stack: (Json | Token)[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as Json | Token;
    if (value instanceof Token || value instanceof RawJson) out.push(value.text);
    else if (value === null || typeof value === 'boolean' || typeof value === 'string') out.push(JSON.stringify(value));
    else if (typeof value === 'number') out.push(Object.is(value, -0) ? '-0' : Number.isFinite(value) ? String(value) : 'null');
    else if (typeof value === 'bigint') out.push(value.toString());
    else if (Array.isArray(value)) {
      out.push('[');
      stack.push(new Token(']'));
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push(value[i]);
        if (i > 0) stack.push(new Token(','));
      }
    } else {
      out.push('{');
      stack.push(new Token('}'));
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i][1], new Token(`${JSON.stringify(entries[i][0])}:`));
        if (i > 0) stack.push(new Token(','));
      }
    }
  }
  return out.join('');
}

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function kindOf(value: Json): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof RawJson || typeof value === 'bigint' || typeof value === 'number') return 'number';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value as Kind;
  return 'object';
}

const isContainer = (v: Json): v is Json[] | { [key: string]: Json } => v !== null && typeof v === 'object' && !(v instanceof RawJson);

/** Every path below the root, parents before children. */
export function pathsOf(root: Json): Path[] {
  const found: Path[] = [];
  const walk = (value: Json, path: Path) => {
    if (!isContainer(value)) return;
    const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      found.push([...path, key]);
      walk(child, [...path, key]);
    }
  };
  walk(root, []);
  return found;
}

export function getAt(root: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], root);
}

/** A copy with the value at `path` replaced; only the nodes along the path are copied. */
export function setAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[key as number] = setAt(root[key as number], rest, value);
    return copy;
  }
  const node = root as { [key: string]: Json };
  return { ...node, [key]: setAt(node[key as string], rest, value) };
}

/** Numbers at the edges of every integer and float type a parser or a column might use. */
export const EDGE_NUMBERS = [
  '0', '-1', '2147483647', '2147483648', '-2147483649', '4294967296', '9007199254740991', '9007199254740993', '-9007199254740993',
  '9223372036854775808', '1e308', '-1e308', '1e309', '5e-324', '1e-400', '-0', '0.1', '1.005', '123456789012345678901234567890.123456789',
  `1${'0'.repeat(400)}`,
].map((text) => new RawJson(text));

/** Text that has broken parsers, columns and logs before. */
export const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u0000\u0000\u0000', '\ud800', '\udfff', 'x\ud83dy', '\udc00\ud800', '\u202egnp.exe', '\u200f\u202bمرحبا\u202c',
  '👩‍👩‍👧‍👦🏳️‍🌈', '\ufeff', '\u200b\u200b', '\u2028\u2029', 'Ω≈ç√∫', '𝕳𝖊𝖑𝖑𝖔', 'x'.repeat(10_000), "'; DROP TABLE orders; --", '${jndi:ldap://x/a}',
  '<script>alert(1)</script>', '../../etc/passwd', '%00', '\\u0000', '9'.repeat(400), `-${'9'.repeat(40)}.99`, '1e308', '-0', 'NaN', 'Infinity',
  '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '9999-12-31T23:59:59.999999999+23:59',
];

export const edgeNumber = fc.constantFrom(...EDGE_NUMBERS);
export const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Any JSON value of any kind, made of the edge numbers and nasty strings. */
export const anyJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    edgeNumber,
    fc.integer(),
    fc.double(),
    nastyString,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A value of another JSON kind than `original`. */
export function wrongKind(original: Json): fc.Arbitrary<Json> {
  return anyJson.filter((v) => kindOf(v) !== kindOf(original));
}

/** Builds `depth` levels of objects and arrays, alternating, around `leaf`. */
export function nest(depth: number, leaf: Json): Json {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { n: value } : [value];
  return value;
}

/** Depths around every power of two a limit is likely to sit on, and far beyond. */
export const NESTING_DEPTHS = [15, 16, 17, 31, 32, 33, 63, 64, 65, 99, 100, 101, 127, 128, 129, 255, 256, 257, 1000, 5000, 20_000];

/** The body padded with a root key so its JSON text is exactly `bytes` long (UTF-8). */
export function padTo(body: Record<string, Json>, bytes: number): string {
  const base = serialize({ ...body, _pad: '' });
  const missing = bytes - Buffer.byteLength(base);
  if (missing < 0) throw new Error(`body is already ${Buffer.byteLength(base)} bytes, over ${bytes}`);
  return serialize({ ...body, _pad: 'p'.repeat(missing) });
}

/** `element` repeated at `key` until `body` nearly fills `bytes`; the array is written once, as raw text, since it is large. */
export function fillArray(body: Record<string, Json>, key: string, element: Json, bytes: number): Record<string, Json> {
  const text = serialize(element);
  const room = bytes - Buffer.byteLength(serialize({ ...body, [key]: [], _pad: '' })) - 16;
  const count = Math.max(1, Math.floor(room / (Buffer.byteLength(text) + 1)));
  return { ...body, [key]: new RawJson(`[${Array.from({ length: count }, () => text).join(',')}]`) };
}
