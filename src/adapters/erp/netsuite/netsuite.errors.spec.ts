import { parseNetSuiteError, parseRetryAfter, transportError } from './netsuite.errors.js';

const RFC = 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html';

const body = (status: number, ...details: Record<string, string>[]) => ({
  type: `${RFC}#sec10.4.1`, title: 'Bad Request', status, 'o:errorDetails': details,
});

describe('NetSuite error bodies', () => {
  it('INVALID_LOGIN is AUTH, with NetSuite’s text and nothing of the request', () => {
    const error = parseNetSuiteError(401, JSON.stringify(body(401, {
      detail: 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
      'o:errorCode': 'INVALID_LOGIN',
    })));
    expect(error.kind).toBe('AUTH');
    expect(error.details).toEqual({ status: 401, code: 'INVALID_LOGIN' });
    expect(error.message).toMatch(/^Invalid login attempt/);
    expect(parseNetSuiteError(403, body(403, { detail: 'Permission Violation', 'o:errorCode': 'INSUFFICIENT_PERMISSION' })).kind).toBe('AUTH');
  });

  it('429 and the concurrency codes are RETRYABLE, with Retry-After when NetSuite sends it', () => {
    const limit = body(429, { detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' });
    expect(parseNetSuiteError(429, limit, { 'Retry-After': '7' }).details).toEqual({ status: 429, code: 'CONCURRENCY_LIMIT_EXCEEDED', retryAfterMs: 7000 });
    const headers = new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' });
    expect(parseNetSuiteError(429, limit, headers, Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')).details.retryAfterMs).toBe(30_000);
    const noHeader = parseNetSuiteError(429, limit);
    expect([noHeader.kind, noHeader.details.retryAfterMs]).toEqual(['RETRYABLE', undefined]);
    const restlet = parseNetSuiteError(400, body(400, { detail: 'Request limit exceeded', 'o:errorCode': 'SSS_REQUEST_LIMIT_EXCEEDED' }));
    expect([restlet.kind, restlet.details.code]).toEqual(['RETRYABLE', 'SSS_REQUEST_LIMIT_EXCEEDED']);
  });

  it('5xx, UNEXPECTED_ERROR and a proxy’s HTML page are RETRYABLE', () => {
    const unexpected = parseNetSuiteError(500, body(500, { detail: 'An unexpected error occurred. Error ID: abc', 'o:errorCode': 'UNEXPECTED_ERROR' }));
    expect([unexpected.kind, unexpected.message, unexpected.details.code]).toEqual(['RETRYABLE', 'An unexpected error occurred. Error ID: abc', 'UNEXPECTED_ERROR']);
    const gateway = parseNetSuiteError(502, '<html>Bad Gateway</html>', { 'retry-after': '3' });
    expect([gateway.kind, gateway.message, gateway.details]).toEqual(['RETRYABLE', 'NetSuite answered HTTP 502', { status: 502, code: 'HTTP_502', retryAfterMs: 3000 }]);
    expect(parseNetSuiteError(400, body(400, { detail: 'x', 'o:errorCode': 'UNEXPECTED_ERROR' })).kind).toBe('RETRYABLE');
  });

  it('a rejected document is PERMANENT with NetSuite’s detail and the field path', () => {
    const invalid = parseNetSuiteError(400, body(400, {
      detail: 'Error while accessing a resource. You have entered an Invalid Field Value two for the following field: quantity',
      'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[0].quantity',
    }));
    expect(invalid.kind).toBe('PERMANENT');
    expect(invalid.message).toBe('Error while accessing a resource. You have entered an Invalid Field Value two for the following field: quantity');
    expect(invalid.details).toEqual({ status: 400, code: 'INVALID_CONTENT', field: 'item.items[0].quantity' });

    const missing = parseNetSuiteError(400, body(400, { detail: 'Error while accessing a resource. Please enter value(s) for: Item.', 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'item.items[1].item' }));
    expect([missing.kind, missing.details.field]).toEqual(['PERMANENT', 'item.items[1].item']);

    const two = parseNetSuiteError(400, body(400, { detail: 'first', 'o:errorCode': 'USER_ERROR' }, { detail: 'second', 'o:errorCode': 'USER_ERROR' }));
    expect(two.message).toBe('first; second');
    expect(parseNetSuiteError(404, body(404, { detail: 'Record type or resource not found', 'o:errorCode': 'INVALID_URL' })).kind).toBe('PERMANENT');
    expect(parseNetSuiteError(415, '').message).toBe('NetSuite answered HTTP 415');
  });

  it('an unknown customer or item is a MISSING_DEPENDENCY; a malformed reference or another field is not', () => {
    const customer = parseNetSuiteError(400, body(400, {
      detail: 'Error while accessing a resource. You have entered an Invalid Field Value 107 for the following field: entity',
      'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'entity',
    }));
    expect([customer.kind, customer.details.field, customer.message]).toEqual([
      'MISSING_DEPENDENCY', 'entity', 'Error while accessing a resource. You have entered an Invalid Field Value 107 for the following field: entity',
    ]);
    const item = parseNetSuiteError(400, body(400, {
      detail: 'Error while accessing a resource. You have entered an Invalid Field Value 999 for the following field: item',
      'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[2].item',
    }));
    expect([item.kind, item.details.field]).toEqual(['MISSING_DEPENDENCY', 'item.items[2].item']);
    const noPath = parseNetSuiteError(400, body(400, { detail: 'You have entered an Invalid Field Value 999 for the following field: item', 'o:errorCode': 'USER_ERROR' }));
    expect(noPath.kind).toBe('MISSING_DEPENDENCY');

    const malformed = parseNetSuiteError(400, body(400, {
      detail: 'Error while accessing a resource. You have entered an Invalid Field Value {"id":"abc"} for the following field: entity',
      'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'entity',
    }));
    expect(malformed.kind).toBe('PERMANENT');
    const location = parseNetSuiteError(400, body(400, {
      detail: 'You have entered an Invalid Field Value 9 for the following field: location', 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'location',
    }));
    expect(location.kind).toBe('PERMANENT');
    const itemDescription = parseNetSuiteError(400, body(400, {
      detail: 'You have entered an Invalid Field Value 5 for the following field: item', 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[0].description',
    }));
    expect(itemDescription.kind).toBe('PERMANENT');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(' 12 ')).toBe(12_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:29:00 GMT'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('NetSuite transport failures', () => {
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
  const write = { write: true, timedOut: false, cancelled: false, timeoutMs: 5000 };

  it('refused before sending is RETRYABLE', () => {
    const refused = transportError(fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })), write);
    expect([refused.kind, refused.details.code]).toEqual(['RETRYABLE', 'ECONNREFUSED']);
    const both = fetchFailed(Object.assign(new AggregateError([
      Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' }),
    ]), {}));
    expect(transportError(both, write).kind).toBe('RETRYABLE');
    expect(transportError(fetchFailed(Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' })), write).kind).toBe('RETRYABLE');
  });

  it('lost or timed out after sending a write is AMBIGUOUS; a read is simply RETRYABLE', () => {
    const socket = fetchFailed(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    expect([transportError(socket, write).kind, transportError(socket, write).details.code]).toEqual(['AMBIGUOUS', 'UND_ERR_SOCKET']);
    expect(transportError(socket, { ...write, write: false }).kind).toBe('RETRYABLE');
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const timedOut = transportError(timeout, { ...write, timedOut: true });
    expect([timedOut.kind, timedOut.details.code, timedOut.message]).toEqual([
      'AMBIGUOUS', 'TIMEOUT', 'no answer from NetSuite within 5000 ms after the request was sent; NetSuite may have committed it',
    ]);
    expect(transportError(timeout, { ...write, timedOut: true, write: false }).kind).toBe('RETRYABLE');
    expect(transportError(new DOMException('aborted', 'AbortError'), { ...write, cancelled: true }).details.code).toBe('ABORTED');
    // A refused connect that raced our own timeout is still treated as possibly sent: the look-up first is cheap.
    expect(transportError(fetchFailed({ code: 'ECONNREFUSED' }), { ...write, timedOut: true }).kind).toBe('AMBIGUOUS');
  });
});
