/**
 * The baseline for the ingest benchmark: a bare Fastify server doing the same durable work
 * per delivery as the hub's request path — verify the HMAC over the raw bytes, one INSERT
 * into an inbox table of the same shape, one Bull add with the same job options — and
 * nothing else (no Nest, no JSON parse, no card-data scrub, no batching).
 *
 * Env: DATABASE_URL, REDIS_URL, PORT, SHOPIFY_WEBHOOK_SECRET, QUEUE_PREFIX, PG_POOL_MAX.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import Bull from 'bull';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    process.stderr.write(`baseline: ${name} is required\n`);
    process.exit(1);
  }
  return value;
};

const databaseUrl = env('DATABASE_URL');
const redisUrl = new URL(env('REDIS_URL', 'redis://127.0.0.1:6379'));
const port = Number(env('PORT'));
const secret = env('SHOPIFY_WEBHOOK_SECRET');
const prefix = env('QUEUE_PREFIX');
const poolMax = Number(env('PG_POOL_MAX', '20'));

const DDL = `
  CREATE TABLE IF NOT EXISTS inbox (
    id uuid PRIMARY KEY,
    source text NOT NULL,
    account text,
    topic text NOT NULL,
    dedupe_key text NOT NULL,
    event_id text,
    body_hash text NOT NULL,
    raw_body bytea NOT NULL,
    redacted_fields text[] NOT NULL DEFAULT '{}',
    headers jsonb NOT NULL,
    correlation_id text NOT NULL,
    status text NOT NULL,
    error text,
    attempts integer NOT NULL DEFAULT 0,
    triggered_at timestamptz,
    received_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    CONSTRAINT inbox_dedupe_key UNIQUE (source, dedupe_key)
  );
  CREATE INDEX IF NOT EXISTS inbox_pending_idx ON inbox (received_at) WHERE status = 'PENDING';`;

const KEPT_HEADERS = ['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id', 'x-shopify-api-version', 'content-type', 'content-length'];
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/;

function verify(body: Buffer, signature: unknown): boolean {
  if (typeof signature !== 'string' || !BASE64_DIGEST.test(signature) || body.length === 0) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(signature, 'base64'), expected);
}

function headerText(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax, application_name: 'ingest-baseline' });
  await pool.query(DDL);
  const queue = new Bull('ingest', {
    redis: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) },
    prefix,
  });
  await queue.isReady();

  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get('/health/ready', async () => {
    await pool.query('SELECT 1');
    await queue.client.ping();
    return { status: 'ok' };
  });

  // Any webhook path: in mixed mode POS batches and Amazon notifications come here too, each one request's work.
  app.post('/webhooks/*', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verify(body, request.headers['x-shopify-hmac-sha256'])) {
      return reply.code(401).send({ statusCode: 401, code: 'SIGNATURE_INVALID' });
    }
    const id = randomUUID();
    const correlationId = randomUUID();
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headerText(request.headers[name]);
      if (value !== null) kept[name] = value;
    }
    const webhookId = headerText(request.headers['x-shopify-webhook-id']);
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const inserted = await pool.query(
      `INSERT INTO inbox (id, source, account, topic, dedupe_key, event_id, body_hash, raw_body, redacted_fields,
                          headers, correlation_id, status, error, triggered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING id`,
      [
        id, 'SHOPIFY', headerText(request.headers['x-shopify-shop-domain']), headerText(request.headers['x-shopify-topic']) ?? 'unknown',
        webhookId ?? `sha256:${bodyHash}`, null, bodyHash, body, [], JSON.stringify(kept), correlationId, 'PENDING', null, null,
      ],
    );
    if (inserted.rowCount === 0) return reply.code(200).send({ status: 'duplicate' });
    await queue.add(
      'process-inbox',
      { inboxId: id, correlationId },
      { jobId: id, attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: false },
    );
    return reply.code(202).send({ status: 'accepted', inboxId: id, correlationId });
  });

  const shutdown = async (): Promise<void> => {
    await app.close();
    await queue.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());

  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`baseline listening on ${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`baseline: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
