import { JsonTooDeepError, MAX_JSON_DEPTH, parseJsonPreservingBigIds } from './shopify-webhook.js';

describe('parseJsonPreservingBigIds depth guard', () => {
  const nested = (depth: number, key = 'line_items'): string => `{"id": 1, "${key}": ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

  it(`parses a body nested exactly ${MAX_JSON_DEPTH} levels`, () => {
    expect(parseJsonPreservingBigIds(nested(MAX_JSON_DEPTH))).toMatchObject({ id: 1 });
  });

  it('refuses a body nested 10,000 levels deep, naming the top-level field, without overflowing the stack', () => {
    const error = ((): unknown => {
      try {
        parseJsonPreservingBigIds(nested(10_000));
      } catch (thrown) {
        return thrown;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(JsonTooDeepError);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as JsonTooDeepError).field).toBe('line_items');
    expect((error as Error).message).toMatch(/deeper than 64 levels under "line_items"/);
  });

  it('does not count brackets inside strings, and names the key even after escaped quotes', () => {
    const text = `{"note": "${'['.repeat(500)}", "say \\"hi\\"": 1, "deep": ${'{"a":'.repeat(70)}1${'}'.repeat(70)}}`;
    expect(() => parseJsonPreservingBigIds(text)).toThrow(/under "deep"/);
    expect(parseJsonPreservingBigIds(`{"note": "${'{'.repeat(500)}"}`)).toEqual({ note: '{'.repeat(500) });
  });
});
