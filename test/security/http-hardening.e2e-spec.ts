import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import request from 'supertest';
import { freshDatabase } from '../support/test-database.js';
import { dropQueueKeys, startHub, type TestHub } from '../support/test-hub.js';

interface RawExchange {
  /** Everything the hub wrote back. */
  readonly answer: string;
  /** When the hub closed the connection, in ms after it was opened; null if it did not in time. */
  readonly closedAfterMs: number | null;
}

/** Opens a connection, writes `sent` and then nothing more, and waits for the hub to close it. */
function slowClient(port: number, sent: string, waitMs: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer: Buffer.concat(chunks).toString('latin1'), closedAfterMs: null });
    }, waitMs);
    socket.on('connect', () => socket.write(sent));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer: Buffer.concat(chunks).toString('latin1'), closedAfterMs: Date.now() - started });
    });
  });
}

describe('HTTP hardening: timeouts, open ops endpoints by default, one error handler', () => {
  let hub: TestHub;
  let port: number;
  const prefix = `e2e-hardening-${randomUUID()}`;
  const warnings: string[] = [];

  beforeAll(async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning');
    try {
      hub = await startHub({
        databaseUrl: await freshDatabase('hardening'),
        queuePrefix: prefix,
        env: { HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_CONNECTION_TIMEOUT_MS: '2500' },
      });
      await hub.app.listen(0, '127.0.0.1');
    } finally {
      warnings.push(...emitWarning.mock.calls.map((args) => args.map(String).join(' ')));
      emitWarning.mockRestore();
    }
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('starts without Fastify warning that the error handler was overridden (FSTWRN004)', () => {
    expect(warnings.filter((warning) => warning.includes('FSTWRN004'))).toEqual([]);
  });

  it('still answers Fastify errors in the shared error shape, through the one handler', async () => {
    const tooLarge = await request(hub.app.getHttpServer())
      .post('/admin/mappings')
      .set('Content-Type', 'application/json')
      .send(`"${'x'.repeat(2 * 1024 * 1024 + 10)}"`);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    const notFound = await request(hub.app.getHttpServer()).get('/no-such-route');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('closes a connection whose body stops coming with 408', async () => {
    const head = 'POST /webhooks/shopify HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":';
    const exchange = await slowClient(port, head, 8000);
    expect(exchange.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(exchange.closedAfterMs).not.toBeNull();
    expect(exchange.closedAfterMs!).toBeGreaterThanOrEqual(1400);
    expect(exchange.closedAfterMs!).toBeLessThan(5000);
    expect(await hub.sql('SELECT id FROM inbox')).toHaveLength(0);
  }, 15_000);

  it('closes a connection whose headers stop coming with 408', async () => {
    const exchange = await slowClient(port, 'GET /health/live HTTP/1.1\r\nHost: hub\r\nX-Slow: ', 8000);
    expect(exchange.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(exchange.closedAfterMs!).toBeGreaterThanOrEqual(900);
    expect(exchange.closedAfterMs!).toBeLessThan(5000);
  }, 15_000);

  it('closes a connection that opens and sends nothing', async () => {
    const exchange = await slowClient(port, '', 8000);
    expect(exchange.closedAfterMs).not.toBeNull();
    expect(exchange.closedAfterMs!).toBeLessThan(5000);
  }, 15_000);

  it('serves a request that arrives in time', async () => {
    const live = await request(hub.app.getHttpServer()).get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
  });

  it('leaves /docs and /metrics open by default (DOCS_ACCESS and METRICS_ACCESS unset)', async () => {
    expect(hub.config).toMatchObject({ docsAccess: 'public', metricsAccess: 'public' });
    const metrics = await request(hub.app.getHttpServer()).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('hub_queue_jobs');
    const docs = await request(hub.app.getHttpServer()).get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.paths).toHaveProperty(['/admin/mappings']);
    // GraphQL needs its key whatever the ops settings say.
    expect((await request(hub.app.getHttpServer()).post('/%67raphql').send({ query: '{ erpTargets { id } }' })).status).toBe(401);
  });
});
