import fc from 'fast-check';
import { ApiError } from './api-error.js';
import { checkJsonBody, checkParameters, httpUrl, jsonProblem, textProblem, timeInRange, withoutUserinfo } from './input-checks.js';

function refusal(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('admin input checks', () => {
  it('names the deepest offending field of a body, keys included', () => {
    expect(jsonProblem({ credentials: { tokenSecret: 'a\u0000b' } })?.field).toBe('credentials.tokenSecret');
    expect(jsonProblem({ routing: { accounts: ['ok', 'b\u0007'] } })?.field).toBe('routing.accounts[1]');
    expect(jsonProblem({ credentials: { 'x\u0000': 'y' } })?.field).toBe('credentials["x\\u0000"]');
    expect(jsonProblem({ timeoutMs: Infinity })).toEqual({ field: 'timeoutMs', reason: 'must be a finite number' });
    expect(jsonProblem({ n: 2 ** 60 })?.field).toBe('n');
    expect(jsonProblem({ sourceValue: '\ud800' })?.reason).toContain('surrogate');
    expect(jsonProblem({ name: 'x'.repeat(4097) })?.reason).toContain('at most 4096');
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(jsonProblem({ deep })?.reason).toContain('nested too deeply');
  });

  it('lets notes hold tabs and line breaks, and nothing else does', () => {
    expect(jsonProblem({ note: 'line one\r\nline\ttwo' })).toBeNull();
    expect(jsonProblem({ note: 'bell\u0007' })?.field).toBe('note');
    expect(jsonProblem({ name: 'line one\nline two' })?.field).toBe('name');
    expect(textProblem('😀 paired surrogates are fine')).toBeNull();
  });

  it('refuses a body that is not an object, and parameters given twice or with NUL', () => {
    expect(refusal(() => checkJsonBody([1]))).toMatchObject({ field: 'body' });
    expect(refusal(() => checkJsonBody('text'))).toMatchObject({ field: 'body' });
    expect(() => checkJsonBody(undefined)).not.toThrow();
    expect(refusal(() => checkParameters({ status: ['DEAD', 'SENT'] }))).toMatchObject({ field: 'status' });
    expect(refusal(() => checkParameters({ id: 'a\u0000' }))).toMatchObject({ field: 'id' });
  });

  it('takes http(s) URLs only, never with credentials', () => {
    expect(httpUrl('https://erp.example.com/api', 'baseUrl').host).toBe('erp.example.com');
    expect(refusal(() => httpUrl('https://user:pass@erp.example.com', 'baseUrl'))).toMatchObject({ field: 'baseUrl', message: expect.stringContaining('credentials') });
    expect(refusal(() => httpUrl('https://user@erp.example.com', 'adminApiUrl')).field).toBe('adminApiUrl');
    expect(refusal(() => httpUrl('file:///etc/passwd', 'baseUrl')).message).toContain('not file:');
    expect(refusal(() => httpUrl(['https://erp.example.com'], 'baseUrl')).field).toBe('baseUrl');
  });

  it('masks whatever userinfo a stored URL holds, and leaves others alone', () => {
    expect(withoutUserinfo('https://user:p%40ss@erp.example.com/api?x=a@b')).toBe('https://erp.example.com/api?x=a@b');
    expect(withoutUserinfo('http://a@b@host:8080')).toBe('http://host:8080');
    expect(withoutUserinfo('https://erp.example.com/a@b')).toBe('https://erp.example.com/a@b');
    expect(withoutUserinfo(null)).toBeNull();
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string({ minLength: 1 }).filter((s) => !/[/?#]/.test(s)), (url, userinfo) => {
        const stored = url.replace("://", () => `://${userinfo}@`);
        expect(withoutUserinfo(stored)).toBe(url);
      }),
    );
  });

  it('keeps dates to years the domain knows', () => {
    expect(timeInRange('2026-04-01T00:00:00Z', 'from').toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(refusal(() => timeInRange('-271821-04-20T00:00:00Z', 'from'))).toMatchObject({ field: 'from', message: expect.stringContaining('2000') });
    expect(refusal(() => timeInRange('+275760-09-13T00:00:00Z', 'to')).field).toBe('to');
    expect(refusal(() => timeInRange('yesterday', 'to')).message).toContain('ISO-8601');
  });

  it('passes any JSON free of control characters and lone surrogates', () => {
    const clean = fc.string({ unit: 'grapheme' }).filter((s) => !/[\u0000-\u001F]/.test(s) && s.length <= 4096);
    fc.assert(fc.property(fc.dictionary(clean.filter((k) => k.length <= 256), fc.oneof(clean, fc.integer(), fc.boolean(), fc.constant(null))), (body) => {
      expect(jsonProblem(body)).toBeNull();
    }));
  });
});
