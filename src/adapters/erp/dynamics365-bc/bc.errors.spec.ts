import { parseBcError, parseRetryAfter, parseTokenError, transportError } from './bc.errors.js';

const odata = (code: string, message: string) => JSON.stringify({ error: { code, message } });

describe('parseBcError', () => {
  it('maps OData error answers to the pipeline kinds', () => {
    const cases: [number, string, string, Record<string, string>, string, Record<string, unknown>][] = [
      [401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.', {}, 'AUTH', { status: 401 }],
      [403, 'Authorization_InsufficientPermissions', 'You do not have permission.', {}, 'AUTH', {}],
      [429, 'Application_TooManyRequests', 'Too many requests reached. Actual (16). Maximum (15).', { 'retry-after': '7' }, 'RETRYABLE', { retryAfterMs: 7000 }],
      [500, 'Internal_ServerError', 'An unexpected error occurred on the server.', {}, 'RETRYABLE', { status: 500 }],
      [503, 'Internal_ServiceUnavailable', 'Service unavailable.', { 'Retry-After': '2' }, 'RETRYABLE', { retryAfterMs: 2000 }],
      [412, 'Request_EntityChanged', 'Another user has already changed the record.', {}, 'RETRYABLE', { code: 'Request_EntityChanged' }],
      [404, 'Internal_RecordNotFound', "The Sales Order does not exist. Identification fields and values: Id='x'", {}, 'RETRYABLE', {}],
      [400, 'Internal_RecordNotFound', "The Customer does not exist. Identification fields and values: No.='C-404'", {}, 'MISSING_DEPENDENCY', { field: 'Customer' }],
      [400, 'Internal_RecordNotFound', "The Item does not exist. Identification fields and values: No.='NOPE'", {}, 'MISSING_DEPENDENCY', { field: 'Item' }],
      [400, 'Application_StringExceededLength', 'The length of the string is 40, but it must be less than or equal to 35 characters. Value: X', {}, 'PERMANENT', {}],
      [400, 'Application_DialogException', 'A customerNumber or a customerID must be provided.', {}, 'PERMANENT', { code: 'Application_DialogException' }],
      [400, 'BadRequest', "Cannot convert the literal 'two' to the expected type 'Edm.Decimal' of property 'quantity'.", {}, 'PERMANENT', { field: 'quantity' }],
      [400, 'BadRequest_InvalidOperation', "Control 'totalTaxAmount' is read-only.", {}, 'PERMANENT', { field: 'totalTaxAmount' }],
      [404, 'BadRequest_ResourceNotFound', "Resource not found for the segment 'companies(x)'.", {}, 'PERMANENT', {}],
    ];
    for (const [status, code, message, headers, kind, details] of cases) {
      const error = parseBcError(status, odata(code, message), headers);
      expect([status, code, error.kind]).toEqual([status, code, kind]);
      expect(error.message).toBe(message);
      expect(error.details).toMatchObject({ status, code, ...details });
    }
  });

  it('reads a body that is not OData, and a gateway timeout on a write as ambiguous', () => {
    expect(parseBcError(502, '<html>Bad gateway</html>')).toMatchObject({ kind: 'RETRYABLE', message: 'Business Central answered HTTP 502', details: { code: 'HTTP_502' } });
    expect(parseBcError(504, '', undefined, { write: true }).kind).toBe('AMBIGUOUS');
    expect(parseBcError(504, '', undefined, { write: false }).kind).toBe('RETRYABLE');
    expect(parseBcError(400, { error: { code: 'BadRequest', message: 'Invalid Request Body.' } }).message).toBe('Invalid Request Body.');
  });

  it('reads Retry-After from Headers, as seconds or a date', () => {
    expect(parseBcError(429, odata('Application_TooManyRequests', 'slow down'), new Headers({ 'retry-after': '3' })).details.retryAfterMs).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('parseTokenError', () => {
  it('is AUTH for refused credentials, without the trace noise', () => {
    const body = {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret is right. Trace ID: a Correlation ID: b Timestamp: c',
      error_codes: [7000215],
    };
    const error = parseTokenError(401, JSON.stringify(body));
    expect(error).toMatchObject({ kind: 'AUTH', details: { status: 401, code: 'invalid_client' } });
    expect(error.message).toBe('the token request was refused (invalid_client): AADSTS7000215: Invalid client secret provided. Ensure the secret is right.');
  });

  it('is RETRYABLE when the identity platform throttles or fails', () => {
    expect(parseTokenError(429, '{}', { 'retry-after': '4' })).toMatchObject({ kind: 'RETRYABLE', details: { retryAfterMs: 4000 } });
    expect(parseTokenError(503, 'down').kind).toBe('RETRYABLE');
  });
});

describe('transportError', () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  const base = { timedOut: false, cancelled: false, timeoutMs: 500 };

  it('is RETRYABLE when nothing was sent or for a read', () => {
    expect(transportError(refused, { ...base, write: true })).toMatchObject({ kind: 'RETRYABLE', details: { code: 'ECONNREFUSED' } });
    expect(transportError(reset, { ...base, write: false })).toMatchObject({ kind: 'RETRYABLE', details: { code: 'UND_ERR_SOCKET' } });
    expect(transportError(new Error('timeout'), { ...base, write: false, timedOut: true })).toMatchObject({ kind: 'RETRYABLE', details: { code: 'TIMEOUT' } });
  });

  it('is AMBIGUOUS when a write lost its answer', () => {
    expect(transportError(reset, { ...base, write: true })).toMatchObject({ kind: 'AMBIGUOUS', details: { code: 'UND_ERR_SOCKET' } });
    const timedOut = transportError(new DOMException('aborted', 'TimeoutError'), { ...base, write: true, timedOut: true });
    expect(timedOut).toMatchObject({ kind: 'AMBIGUOUS', details: { code: 'TIMEOUT' } });
    expect(timedOut.message).toMatch(/within 500 ms after the request was sent/);
    expect(transportError(new Error('x'), { ...base, write: true, cancelled: true })).toMatchObject({ kind: 'AMBIGUOUS', details: { code: 'ABORTED' } });
  });
});
