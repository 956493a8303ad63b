/**
 * Starts one sandbox: `npm run sandbox -- <netsuite|dynamics365-bc|shopify|wms|store|loop|pos> [options]`.
 * Prints one JSON line with the URLs and the credentials to configure the hub with, so a person
 * can read it and a script can parse it.
 */
import { parseArgs } from 'node:util';
import { startBusinessCentralSandbox } from './erp/dynamics365-bc/sandbox.js';
import { KnobError, parseLatency, type Knobs } from './erp/shared/knobs.js';
import { startNetSuiteSandbox } from './erp/netsuite/sandbox.js';
import { startStoreSandbox, startWmsSandbox } from './fulfillment/sandbox.js';
import { startLoopSandbox } from './loop/sandbox.js';
import { startPosSimulator } from './pos/sandbox.js';
import { startShopifySandbox } from './shopify/sandbox.js';

const VARIANTS = ['netsuite', 'dynamics365-bc', 'shopify', 'wms', 'store', 'loop', 'pos'] as const;
type Variant = (typeof VARIANTS)[number];

const USAGE = `usage: npm run sandbox -- <${VARIANTS.join('|')}> [options]
  --port P                    listen port (default 0: any free port)
  --host H                    listen address (default 127.0.0.1)
  --latency-ms N|MIN-MAX      added to every API request (default 0)
  --error-rate R              share of API requests answered 5xx (0..1, default 0)
  --rate-429 R                share answered 429 (default 0)
  --commit-timeout-rate R     share of writes stored and then not answered (default 0)
  --commit-timeout-mode M     destroy (close the socket, default) or delay
  --commit-timeout-delay-ms N answer delay in delay mode (default 30000)
  --concurrency N             simultaneous API requests allowed; 0 = no cap (ERPs 15, others 0)
  --retry-after-s N           Retry-After of 429s (Business Central 1, Shopify 2, WMS/store 1)
  --seed N                    seed of the fault draws (default 1)
 netsuite, dynamics365-bc:
  --token-lifetime-s N        Business Central token lifetime (default 3599)
 shopify:
  --access-token T            the X-Shopify-Access-Token to accept
  --shop-domain D             the shop's domain, as printed for the hub (default example-shop.myshopify.com)
  --default-location-id ID    where lines with no location are assigned (default 65000000001)
 wms, store:
  --api-key K                 the Bearer key to accept
  --callback-url U            where shipment confirmations are POSTed (the hub's endpoint)
  --callback-secret S         HMAC-SHA256 key of X-Fulfillment-Hmac-Sha256
  --callback-retries N        background retries of a failed confirmation (default 2)
  --auto-ship-ms N            ship every new request N ms after it arrives (pickups: ready, then picked up)
  --parcels 1|2               parcels per automatic shipment (default 1)
 loop:
  --api-key K                 the X-Authorization key to accept
  --webhook-url U             where Loop's webhooks go (the hub's /webhooks/loop/{shop domain})
  --webhook-secret S          HMAC-SHA256 key of X-Loop-Signature
 pos (a store's tills: it sends, the hub answers):
  --hub-url U                 the hub's base URL (batches go to U/webhooks/pos/{store}/batches)
  --store-id S                the store (the POS channel account), default brooklyn-01
  --secret S                  the store's webhook secret (X-Pos-Signature)
  --drop-dir D                the hub's POS_DROP_DIR (files go to D/{store}/)`;

function number(name: string, value: string | undefined, whole: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n))) throw new KnobError(`--${name} needs a ${whole ? 'whole ' : ''}number, got ${value}`);
  return n;
}

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

async function main(argv: string[]): Promise<void> {
  const text = { type: 'string' } as const;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: text, host: text, 'latency-ms': text, 'error-rate': text, 'rate-429': text, 'commit-timeout-rate': text,
      'commit-timeout-mode': text, 'commit-timeout-delay-ms': text, concurrency: text, 'retry-after-s': text,
      'token-lifetime-s': text, seed: text, 'access-token': text, 'shop-domain': text, 'default-location-id': text,
      'api-key': text, 'callback-url': text, 'callback-secret': text, 'callback-retries': text, 'auto-ship-ms': text, parcels: text,
      'webhook-url': text, 'webhook-secret': text, 'hub-url': text, 'store-id': text, secret: text, 'drop-dir': text,
      help: { type: 'boolean' },
    },
  });
  const variant = positionals[0] as Variant;
  if (values.help || positionals.length !== 1 || !VARIANTS.includes(variant)) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const knobs = defined({
    latencyMs: values['latency-ms'] === undefined ? undefined : parseLatency(values['latency-ms']),
    errorRate: number('error-rate', values['error-rate'], false),
    rate429: number('rate-429', values['rate-429'], false),
    commitTimeoutRate: number('commit-timeout-rate', values['commit-timeout-rate'], false),
    commitTimeoutMode: values['commit-timeout-mode'],
    commitTimeoutDelayMs: number('commit-timeout-delay-ms', values['commit-timeout-delay-ms'], true),
    concurrency: number('concurrency', values.concurrency, true),
    retryAfterSeconds: number('retry-after-s', values['retry-after-s'], true),
    tokenLifetimeSeconds: number('token-lifetime-s', values['token-lifetime-s'], true),
    seed: number('seed', values.seed, true),
  }) as Partial<Knobs>;
  const server = { port: number('port', values.port, true) ?? 0, host: values.host ?? '127.0.0.1', knobs };

  let started: { url: string; close(): Promise<void> };
  let line: Record<string, unknown>;
  if (variant === 'netsuite') {
    const sb = await startNetSuiteSandbox(server);
    started = sb;
    line = { recordApiUrl: sb.recordApiUrl, auth: 'OAuth 1.0a TBA, HMAC-SHA256, realm = accountId', credentials: sb.credentials, knobs: sb.context.knobs, admin: '/_sandbox/{documents,stats,knobs,reset}' };
  } else if (variant === 'dynamics365-bc') {
    const sb = await startBusinessCentralSandbox(server);
    started = sb;
    line = {
      tokenUrl: sb.tokenUrl, apiUrl: sb.apiUrl, environment: sb.environment, companyId: sb.companyId, scope: sb.scope,
      auth: 'OAuth 2.0 client credentials', credentials: sb.credentials, knobs: sb.context.knobs, admin: '/_sandbox/{documents,stats,knobs,reset}',
    };
  } else if (variant === 'shopify') {
    const sb = await startShopifySandbox(defined({ ...server, accessToken: values['access-token'], shopDomain: values['shop-domain'], defaultLocationId: values['default-location-id'] }));
    started = sb;
    line = {
      adminApiUrl: sb.adminApiUrl, shopDomain: sb.shopDomain, auth: 'X-Shopify-Access-Token', accessToken: sb.accessToken,
      defaultLocationId: sb.defaultLocationId, knobs: sb.context.knobs, admin: '/_sandbox/{orders,fulfillments,fulfillment_orders/{id}/split,stats,knobs,reset}',
    };
  } else if (variant === 'loop') {
    const sb = await startLoopSandbox(defined({ ...server, apiKey: values['api-key'], webhookUrl: values['webhook-url'], webhookSecret: values['webhook-secret'] }));
    started = sb;
    line = {
      apiUrl: `${sb.url}/api/v1`, auth: 'X-Authorization: <apiKey>', apiKey: sb.apiKey, webhookUrl: values['webhook-url'] ?? null,
      webhookSigned: 'X-Loop-Signature = base64(HMAC-SHA256(secret, raw body))', knobs: sb.context.knobs,
      admin: '/_sandbox/{returns,returns/{id}/{state,close,label,restock,giftcard},events,events/{seq}/redeliver,stats,knobs,reset}',
    };
  } else if (variant === 'pos') {
    const sb = await startPosSimulator(defined({ ...server, hubUrl: values['hub-url'], storeId: values['store-id'], secret: values.secret, dropDir: values['drop-dir'] }));
    started = sb;
    line = {
      storeId: sb.settings.storeId, hubUrl: sb.settings.hubUrl, dropDir: sb.settings.dropDir, signs: 'X-Pos-Signature = sha256=<hex HMAC-SHA256(secret, raw body)>',
      knobs: sb.context.knobs, admin: '/_sandbox/{batches,drops,day,sent,stats,knobs,reset}',
    };
  } else {
    const autoShipMs = number('auto-ship-ms', values['auto-ship-ms'], true);
    const parcels = number('parcels', values.parcels, true) ?? 1;
    if (parcels !== 1 && parcels !== 2) throw new KnobError('--parcels must be 1 or 2');
    const options = defined({
      ...server, apiKey: values['api-key'], callbackUrl: values['callback-url'], callbackSecret: values['callback-secret'],
      callbackRetries: number('callback-retries', values['callback-retries'], true),
      autoShip: autoShipMs === undefined ? undefined : { afterMs: autoShipMs, parcels: parcels as 1 | 2 },
    });
    const sb = variant === 'wms' ? await startWmsSandbox(options) : await startStoreSandbox(options);
    started = sb;
    line = {
      requestsUrl: sb.requestsUrl, auth: 'Authorization: Bearer <apiKey>', apiKey: sb.apiKey, callbackUrl: options.callbackUrl ?? null,
      callbackSigned: 'X-Fulfillment-Hmac-Sha256 = base64(HMAC-SHA256(secret, raw body))', autoShip: options.autoShip ?? null,
      knobs: sb.context.knobs, admin: '/_sandbox/{requests,requests/{id}/{ship,ready-for-pickup,picked-up},events,events/{id}/redeliver,stats,knobs,reset}',
    };
  }
  console.log(JSON.stringify({ variant, url: started.url, ...line, admin: `${started.url}${String(line.admin)}` }));

  const stop = (): void => {
    void started.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof KnobError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ? `${err.message}\n${USAGE}`
    : err);
  process.exit(2);
});
