/**
 * Everything the worked example runs on, in this process: the hub (createApp + listen, on a
 * throwaway in-memory database and a Redis key prefix of its own) and the sandboxes of
 * Shopify's Admin API, the warehouse's WMS, the store's system and NetSuite. Every key and
 * secret is generated for the run. stop() undoes what start did, last first, and deletes the
 * run's Redis keys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { ShutdownSignal } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/platform/config/app-config.js';
import { JsonLogger } from '../src/platform/logging/json-logger.js';
import { checkRedis } from '../src/platform/queue/check-redis.js';
import { redisOptionsFromUrl } from '../src/platform/queue/redis-options.js';
import { startAmazonSandbox, type AmazonSandbox } from '../sandboxes/amazon/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../sandboxes/erp/netsuite/sandbox.js';
import { startStoreSandbox, startWmsSandbox, type FulfillmentSandbox } from '../sandboxes/fulfillment/sandbox.js';
import { startShopifySandbox, type ShopifySandbox } from '../sandboxes/shopify/sandbox.js';
import { SHOP } from './catalog.js';
import { HubClient, type HubKeys } from './http.js';
import { SELLER, SELLER_REFRESH_TOKEN } from './marketplace.js';

const HOST = '127.0.0.1';

export interface WorldOptions {
  /** The hub's port; 0 picks a free one, and a taken one falls back to a free one. */
  readonly port: number;
  readonly redisUrl: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly log: (line: string) => void;
}

export interface World {
  readonly app: NestFastifyApplication;
  readonly hubUrl: string;
  readonly hub: HubClient;
  readonly keys: HubKeys;
  readonly fulfillmentSecret: string;
  readonly queuePrefix: string;
  readonly netsuite: NetSuiteSandbox;
  readonly shopify: ShopifySandbox;
  readonly wms: FulfillmentSandbox;
  readonly store: FulfillmentSandbox;
  readonly amazon: AmazonSandbox;
  /** The Amazon seller's EventBridge secret, and the store tills' signing secret. */
  readonly amazonWebhookSecret: string;
  readonly posSecret: string;
  stop(): Promise<void>;
}

const secret = (bytes = 18): string => randomBytes(bytes).toString('base64url');

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** Deletes every key under the prefix with SCAN, so a big shared Redis is never blocked. */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis({ ...redisOptionsFromUrl(redisUrl), lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * createApp turns on Nest's shutdown hooks: on Ctrl-C they close the app and raise the
 * signal again, which ends the process before the sandboxes stop and the Redis keys go.
 * The demo owns the signals instead and closes the app itself, so it drops those listeners.
 */
async function withoutNestSignalHandlers<T>(start: () => Promise<T>): Promise<T> {
  const signals = Object.values(ShutdownSignal) as NodeJS.Signals[];
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const result = await start();
  for (const s of signals) for (const listener of process.listeners(s)) if (!before.get(s)?.has(listener)) process.removeListener(s, listener);
  return result;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const steps: { label: string; undo: () => Promise<unknown> }[] = [];
  const stop = async (): Promise<void> => {
    for (let step = steps.pop(); step; step = steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        options.log(`  cleanup "${step.label}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  try {
    await checkRedis(options.redisUrl);
    const keys: HubKeys = { admin: `demo-admin-${secret()}`, reader: `demo-reader-${secret()}`, shopifySecret: `shpss_${secret(24)}` };
    const fulfillmentSecret = `whsec_${secret(24)}`;
    const queuePrefix = `demo-${randomUUID().slice(0, 8)}`;
    // Registered before the hub starts: Bull writes keys as soon as the queues exist.
    steps.push({ label: `delete Redis keys ${queuePrefix}:*`, undo: () => deleteRedisPrefix(options.redisUrl, queuePrefix) });

    let port = options.port;
    if (port !== 0 && !(await portIsFree(port))) {
      options.log(`  port ${port} is taken; the hub takes a free port instead`);
      port = 0;
    }
    // Amazon's Login with Amazon endpoint must be known before the hub starts: its sandbox goes first.
    const amazon = await startAmazonSandbox({ port: 0, host: HOST, clientId: `amzn1.application-oa2-client.${secret(8)}`, clientSecret: secret(), sellers: { [SELLER_REFRESH_TOKEN]: SELLER } });
    steps.push({ label: 'stop the Amazon sandbox', undo: () => amazon.close() });
    const config = loadConfig({
      API_KEYS: `admin:${keys.admin},reader:${keys.reader}`,
      FULFILLMENT_WEBHOOK_SECRET: fulfillmentSecret,
      DATA_DIR: 'memory://',
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: options.logLevel,
      // Held orders and stray inbox rows are looked at again every second rather than every five.
      SWEEP_INTERVAL_MS: '1000',
      // The demo follows every order through GraphQL while it drives them: its own reads are
      // the point of the run, so they get the whole process.
      GRAPHQL_TIME_SHARE_PERCENT: '100',
      PORT: String(port),
      HOST,
      AMAZON_LWA_CLIENT_ID: amazon.clientId,
      AMAZON_LWA_CLIENT_SECRET: amazon.clientSecret,
      AMAZON_LWA_TOKEN_URL: `${amazon.url}/auth/o2/token`,
    });
    const app = await withoutNestSignalHandlers(() => createApp(config, new JsonLogger(config.logLevel)));
    steps.push({ label: 'stop the hub', undo: () => app.close() });
    await app.listen(config.port, HOST);
    const address = app.getHttpServer().address() as net.AddressInfo;
    const hubUrl = `http://${HOST}:${address.port}`;

    const callback = { callbackUrl: `${hubUrl}/webhooks/wms/shipments`, callbackSecret: fulfillmentSecret };
    const started = <T extends { close(): Promise<void> }>(label: string, sandbox: T): T => {
      steps.push({ label: `stop the ${label} sandbox`, undo: () => sandbox.close() });
      return sandbox;
    };
    const netsuite = started('NetSuite', await startNetSuiteSandbox({
      port: 0, host: HOST,
      credentials: { accountId: 'TSTDRV2026001', consumerKey: secret(), consumerSecret: secret(), tokenId: secret(), tokenSecret: secret() },
      // The demo's TAX_CODE mappings (fixtures/mappings*.csv): New York State and City sales tax, French VAT, Amazon's Washington tax.
      knobs: { taxRates: { '101': '4', '102': '4.5', '103': '20', '104': '10.25' } },
    }));
    const shopify = started('Shopify', await startShopifySandbox({ port: 0, host: HOST, shopDomain: SHOP, accessToken: `shpat_${randomBytes(16).toString('hex')}` }));
    const wms = started('WMS', await startWmsSandbox({ port: 0, host: HOST, apiKey: `wms-${secret()}`, ...callback }));
    const store = started('store', await startStoreSandbox({ port: 0, host: HOST, apiKey: `store-${secret()}`, ...callback }));
    // The hub stops first, so no worker calls a sandbox that is already gone.
    const hubStep = steps.findIndex((s) => s.label === 'stop the hub');
    steps.push(...steps.splice(hubStep, 1));
    return {
      app, hubUrl, hub: new HubClient(hubUrl, keys), keys, fulfillmentSecret, queuePrefix, netsuite, shopify, wms, store, amazon,
      amazonWebhookSecret: `amzeb_${secret(24)}`, posSecret: `pos_${secret(24)}`, stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
