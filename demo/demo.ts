/**
 * The one-command demo: the hub and every system around it in this process, configured
 * through the hub's admin API, driven through the worked example for N orders, and checked
 * from the outside (GraphQL and the sandboxes). `npm run demo` runs it from demo/run.ts; the
 * e2e test calls runDemo directly.
 */
import { configureHub } from './configure.js';
import { planOrders } from './plan.js';
import { checkStopped, DemoStopped, type Pace } from './progress.js';
import { formatSummary } from './report.js';
import { awaitGates, checkout, newRecord, resolveHolds } from './scenario.js';
import { awaitErpAndRequests, awaitFulfilled, shipFirstParcels, shipTheRest } from './shipping.js';
import { awaitCredits, planReturns, runReturns, type ReturnsSummary } from './returns.js';
import { readChannelOrders } from './channel-orders.js';
import { runMarketplace, type MarketplaceOutcome } from './marketplace.js';
import { settleDemoPayout, type SettlementOutcome } from './settlement.js';
import { runStoreDay, type StoreOutcome } from './stores.js';
import { readOrders } from './state.js';
import { summarize, type DemoSummary } from './summary.js';
import { startWorld, type World } from './world.js';

export type { DemoSummary } from './summary.js';

export interface DemoOptions {
  /** Orders to run through the example (default 20). */
  readonly orders?: number;
  /** Stop when done (default false: keep everything up until `signal` aborts). */
  readonly exit?: boolean;
  /** The hub's port (default 3000; 0 or a taken port: a free one). */
  readonly port?: number;
  /** Seed of quantities, products and customers (default 2026). */
  readonly seed?: number;
  /** Hard limit for the whole run (default 5 minutes). */
  readonly timeoutMs?: number;
  readonly redisUrl?: string;
  /** The hub's own log level (default error, so the demo's lines stay readable). */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readonly log?: (line: string) => void;
  /** Aborting stops the demo (Ctrl-C) and, when it stays up to explore, ends that. */
  readonly signal?: AbortSignal;
}

function explore(world: World, log: (line: string) => void): void {
  log('');
  log('The hub and the sandboxes stay up to explore; Ctrl-C stops them and deletes the run\'s Redis keys.');
  log(`  hub             ${world.hubUrl}   (Swagger UI ${world.hubUrl}/docs, admin key ${world.keys.admin})`);
  log(`  NetSuite        ${world.netsuite.url}/_sandbox/documents`);
  log(`  Shopify Admin   ${world.shopify.url}/_sandbox/fulfillments`);
  log(`  WMS             ${world.wms.url}/_sandbox/requests`);
  log(`  store           ${world.store.url}/_sandbox/requests`);
}

function until(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    // Without a signal nothing ends the wait: the caller asked for the demo to stay up.
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Runs the worked example and returns its summary (`ok` false, with the reasons in
 * `problems`, when an order missed its final state, a document was duplicated, a count does
 * not add up or the run timed out). Throws DemoStopped when aborted before the summary.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const count = options.orders ?? 20;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const startedAt = Date.now();
  const pace: Pace = { deadline: startedAt + timeoutMs, timeoutMs, signal: options.signal, log };
  const phase = (what: string): void => log(`▸ [${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${what}`);

  checkStopped(pace);
  phase('starting the hub (embedded database, in memory) and the Shopify, Amazon, WMS, store and NetSuite sandboxes');
  const world = await startWorld({
    port: options.port ?? 3000, redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logLevel: options.logLevel ?? 'error', log,
  });
  try {
    log(`  hub ${world.hubUrl}, Redis key prefix ${world.queuePrefix}`);
    checkStopped(pace);
    const record = newRecord(planOrders(count, options.seed ?? 2026));
    let failure: string | null = null;
    let returns: ReturnsSummary | null = null;
    let settlement: SettlementOutcome | null = null;
    let marketplace: MarketplaceOutcome | null = null;
    let stores: StoreOutcome | null = null;
    try {
      phase('configuring the hub through its admin API');
      await configureHub(world, log);
      const pickups = record.plans.filter((p) => p.shape === 'PICKUP').length;
      phase(`checkout: ${count} orders (${count - pickups} split warehouse + store, ${pickups} store pickup), seeded in Shopify and sent as signed orders/create`);
      await checkout(world, record, pace);
      phase('release gates: payment, fraud review, mappings');
      await awaitGates(world, record, pace);
      phase('resolving the holds');
      await resolveHolds(world, record, pace);
      phase('ERP posting and fulfilment routing');
      const posted = await awaitErpAndRequests(world, record, pace);
      phase('partial fulfilment: first parcels, pickups made ready');
      await shipFirstParcels(world, record, posted, pace);
      phase('complete fulfilment: remaining parcels, pickups collected');
      await shipTheRest(world, record, pace);
      await awaitFulfilled(world, record, pace);
      phase('Amazon: orders notified and fetched (one Pending first), MFN shipped by the warehouse and confirmed to Amazon, FBA shipped by Amazon');
      marketplace = await runMarketplace(world, pace, log);
      phase('store: a day of the Brooklyn tills in one signed batch, sent twice');
      stores = await runStoreDay(world, pace, log);
      phase('settlement: a Shopify Payments payout for the USD orders and its bank line, imported and matched');
      settlement = await settleDemoPayout(world.hub, (await readOrders(world.hub)).values(), log);
      const planned = planReturns(record);
      phase(`returns: ${planned.map((r) => r.scenario.toLowerCase().replace(/_/g, ' ')).join(', ')} (warehouse events and Shopify refunds/create)`);
      await runReturns(world, planned, await readOrders(world.hub), log);
      returns = await awaitCredits(world, planned, pace);
    } catch (error) {
      if (error instanceof DemoStopped) throw error;
      failure = error instanceof Error ? error.message : String(error);
      log(`  ✗ ${failure}`);
    }
    phase('reading the results from GraphQL and the sandboxes');
    const others = { AMAZON: await readChannelOrders(world.hub, 'AMAZON'), POS: await readChannelOrders(world.hub, 'POS') };
    const summary = await summarize(world, record, await readOrders(world.hub), startedAt, failure, settlement, returns, { marketplace, stores, orders: others });
    for (const line of formatSummary(summary)) log(line);
    if (!options.exit) {
      explore(world, log);
      await until(options.signal);
    }
    return summary;
  } finally {
    phase('stopping the hub and the sandboxes, deleting the Redis keys');
    await world.stop();
  }
}
