import fc from 'fast-check';
import { anyJson, edgeNumber, getAt, kindOf, nastyString, pathsOf, setAt, wrongKind, type Json, type Path } from './json-attack.js';

/**
 * One change to a real body: a field turned into another JSON kind, a field given an edge
 * number or nasty text, or a new key (NUL, unicode, __proto__) on some object.
 */
export type Mutation =
  | { kind: 'retype'; path: Path; value: Json }
  | { kind: 'value'; path: Path; value: Json }
  | { kind: 'key'; path: Path; key: string; value: Json };

const NASTY_KEYS = ['\u0000', 'a\u0000b', '__proto__', 'constructor', 'prototype', '\ud800', '\u202eid', '', 'id ', 'ID', '$where', 'toString'];

export function mutation(body: Json): fc.Arbitrary<Mutation> {
  const all: Path[] = [[], ...pathsOf(body)];
  const leaves = all.filter((p) => !['array', 'object'].includes(kindOf(getAt(body, p))));
  const objects = all.filter((p) => kindOf(getAt(body, p)) === 'object');
  const retype = fc.constantFrom(...all).chain((path) => wrongKind(getAt(body, path)).map((value): Mutation => ({ kind: 'retype', path, value })));
  const value = fc.constantFrom(...leaves).chain((path) => fc.oneof(edgeNumber, nastyString).map((v): Mutation => ({ kind: 'value', path, value: v })));
  const key = fc.record({
    kind: fc.constant('key' as const),
    path: fc.constantFrom(...objects),
    key: fc.oneof(fc.constantFrom(...NASTY_KEYS), nastyString),
    value: anyJson,
  });
  return fc.oneof({ weight: 3, arbitrary: retype }, { weight: 2, arbitrary: value }, { weight: 1, arbitrary: key });
}

/** Whether every node above `path` is still an object or array (an earlier mutation may have replaced one). */
function reachable(body: Json, path: Path): boolean {
  let node = body;
  for (const step of path) {
    if (node === null || typeof node !== 'object' || !(step in (node as object))) return false;
    node = (node as Record<string | number, Json>)[step];
  }
  return true;
}

export function applyMutation(body: Json, m: Mutation): Json {
  if (!reachable(body, m.path)) return body;
  if (m.kind !== 'key') return setAt(body, m.path, m.value);
  const holder = getAt(body, m.path);
  if (kindOf(holder) !== 'object') return body;
  const copy: Record<string, Json> = { ...(holder as Record<string, Json>) };
  // defineProperty, so "__proto__" becomes an own key as a JSON parser would make it.
  Object.defineProperty(copy, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  return setAt(body, m.path, copy);
}

export const applyAll = (body: Json, mutations: readonly Mutation[]): Json => mutations.reduce(applyMutation, body);
