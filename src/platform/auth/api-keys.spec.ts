import { ApiKeyRegistry } from './api-keys.js';

const registry = new ApiKeyRegistry([{ role: 'reader', key: 'reader-key-123', name: 'reader-1' }]);
const request = (rawHeaders: string[]) => {
  const authorization = rawHeaders.find((_, i) => i % 2 === 0 && rawHeaders[i].toLowerCase() === 'authorization');
  return { headers: { authorization: authorization && rawHeaders[rawHeaders.indexOf(authorization) + 1] }, raw: { rawHeaders } };
};

describe('ApiKeyRegistry.authenticateRequest', () => {
  it('takes one Bearer key, the scheme in any case', () => {
    expect(registry.authenticateRequest(request(['Authorization', 'Bearer reader-key-123']))?.name).toBe('reader-1');
    expect(registry.authenticateRequest(request(['authorization', 'bearer reader-key-123']))?.name).toBe('reader-1');
  });

  it('refuses two Authorization headers, even with the same key', () => {
    expect(registry.authenticateRequest(request(['Authorization', 'Bearer reader-key-123', 'authorization', 'Bearer reader-key-123']))).toBeNull();
  });

  it('refuses other schemes, junk after the key and no header', () => {
    expect(registry.authenticateRequest(request(['Authorization', 'Basic reader-key-123']))).toBeNull();
    expect(registry.authenticateRequest(request(['Authorization', 'Bearer reader-key-123 x']))).toBeNull();
    expect(registry.authenticateRequest(request([]))).toBeNull();
  });
});
