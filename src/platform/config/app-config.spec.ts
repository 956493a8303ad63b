import { ConfigError, loadConfig, parseApiKeys } from './app-config.js';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000, role: 'all', databaseUrl: null, dataDir: './var/data', redisUrl: 'redis://127.0.0.1:6379', apiKeys: [], shopifyWebhookSecret: null,
      postingStuckAfterMs: 120_000,
    });
  });

  it('names the variable that is wrong', () => {
    expect(failure({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(failure({ PORT: '70000' }).message).toMatch(/^PORT: must be between 0 and 65535/);
    expect(failure({ DATABASE_URL: 'mysql://localhost/x' }).variable).toBe('DATABASE_URL');
    expect(failure({ REDIS_URL: 'not a url' }).variable).toBe('REDIS_URL');
    expect(failure({ ROLE: 'both' }).variable).toBe('ROLE');
    expect(failure({ API_KEYS: 'root:abcdefgh' }).variable).toBe('API_KEYS');
    expect(failure({ POSTING_STUCK_AFTER_MS: '500' }).message).toMatch(/^POSTING_STUCK_AFTER_MS: must be between 1000 and 86400000/);
  });

  it('bounds slow clients and leaves the ops endpoints open unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({
      httpTimeouts: { requestMs: 30_000, headersMs: 10_000, connectionMs: 60_000 }, docsAccess: 'public', metricsAccess: 'public',
    });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', DOCS_ACCESS: 'key', METRICS_ACCESS: 'key' })).toMatchObject({
      httpTimeouts: { requestMs: 5000, headersMs: 5000 }, docsAccess: 'key', metricsAccess: 'key',
    });
    expect(failure({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' }).message)
      .toBe('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS (5000)');
    expect(failure({ HTTP_CONNECTION_TIMEOUT_MS: '0' }).variable).toBe('HTTP_CONNECTION_TIMEOUT_MS');
    expect(failure({ DOCS_ACCESS: 'private' }).message).toBe('DOCS_ACCESS: must be one of public, key, got "private"');
    expect(failure({ METRICS_ACCESS: 'yes' }).variable).toBe('METRICS_ACCESS');
  });

  it('refuses to split roles on the embedded database', () => {
    expect(failure({ ROLE: 'worker' }).message).toMatch(/embedded database serves one process/);
    expect(loadConfig({ ROLE: 'worker', DATABASE_URL: 'postgres://localhost/hub' }).role).toBe('worker');
  });
});

describe('WORKER_DUTIES', () => {
  const worker = { ROLE: 'worker', DATABASE_URL: 'postgres://localhost/hub' };

  it('gives every worker every duty unless told otherwise', () => {
    expect([...loadConfig(worker).workerDuties]).toEqual(['ingest', 'erp', 'fulfillment']);
    expect([...loadConfig({}).workerDuties]).toEqual(['ingest', 'erp', 'fulfillment']);
  });

  it('lets a worker take only some queues, so ERP posting can run apart from intake', () => {
    expect([...loadConfig({ ...worker, WORKER_DUTIES: ' ERP ' }).workerDuties]).toEqual(['erp']);
    expect([...loadConfig({ ...worker, WORKER_DUTIES: 'ingest,fulfillment' }).workerDuties]).toEqual(['ingest', 'fulfillment']);
  });

  it('refuses unknown duties, an empty list, and a partial list on the embedded database', () => {
    expect(failure({ ...worker, WORKER_DUTIES: 'erp,billing' }).message).toMatch(/^WORKER_DUTIES: .*"billing"/);
    expect(failure({ ...worker, WORKER_DUTIES: ' , ' }).variable).toBe('WORKER_DUTIES');
    expect(failure({ WORKER_DUTIES: 'erp' }).message).toMatch(/embedded database serves one process/);
    expect([...loadConfig({ DATABASE_URL: 'postgres://localhost/hub', WORKER_DUTIES: 'ingest,fulfillment' }).workerDuties]).toEqual(['ingest', 'fulfillment']);
  });
});

describe('GraphQL limits', () => {
  it('defaults to limits the demo and the tests stay within', () => {
    expect(loadConfig({}).graphql).toEqual({
      maxDepth: 15, maxCost: 10_000, maxAliases: 30, maxFields: 500, maxBodyBytes: 128 * 1024, timeoutMs: 10_000, maxConcurrent: 4, queueTimeoutMs: 2000, timeShare: 0.3,
    });
  });

  it('reads each limit from its variable and names the one that is wrong', () => {
    const config = loadConfig({
      GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COST: '5000', GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_FIELDS: '200', GRAPHQL_MAX_BODY_BYTES: '65536',
      GRAPHQL_TIMEOUT_MS: '2500', GRAPHQL_MAX_CONCURRENT: '2', GRAPHQL_QUEUE_TIMEOUT_MS: '0',
    });
    expect(config.graphql).toEqual({
      maxDepth: 8, maxCost: 5000, maxAliases: 0, maxFields: 200, maxBodyBytes: 65_536, timeoutMs: 2500, maxConcurrent: 2, queueTimeoutMs: 0, timeShare: 0.3,
    });
    expect(failure({ GRAPHQL_MAX_COST: 'lots' }).variable).toBe('GRAPHQL_MAX_COST');
    expect(failure({ GRAPHQL_MAX_BODY_BYTES: String(4 * 1024 * 1024) }).message).toMatch(/^GRAPHQL_MAX_BODY_BYTES: must be between 1024 and 2097152/);
    expect(failure({ GRAPHQL_MAX_CONCURRENT: '0' }).variable).toBe('GRAPHQL_MAX_CONCURRENT');
    expect(failure({ GRAPHQL_TIMEOUT_MS: '0' }).variable).toBe('GRAPHQL_TIMEOUT_MS');
  });
});

describe('parseApiKeys', () => {
  it('reads role:key pairs and never echoes a key in its errors', () => {
    expect(parseApiKeys('admin:admin-key-1, reader:reader-key-1')).toEqual([
      { role: 'admin', key: 'admin-key-1', name: 'admin-1' },
      { role: 'reader', key: 'reader-key-1', name: 'reader-2' },
    ]);
    expect(() => parseApiKeys('admin:short')).toThrow(/entry 1 has a key shorter than 8/);
    expect(() => parseApiKeys('admin:same-key-1,reader:same-key-1')).toThrow(/repeats a key/);
    try {
      parseApiKeys('superuser:secret-value-123');
    } catch (error) {
      expect(String(error)).not.toContain('secret-value-123');
    }
  });
});
