/**
 * The HTTP core every sandbox runs on (the ERPs, Shopify Admin, WMS, store): node:http, no
 * framework, so the sandbox itself never limits a benchmark. It owns what is the same across
 * vendors (concurrency cap, latency, fault injection, the common /_sandbox admin endpoints) and
 * hands each API request to the vendor variant for authentication, routing and the vendor's own
 * error format.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxContext } from './context.js';
import { BodyTooLargeError, jsonObject, readBody, send, type Reply, type SandboxRequest } from './http.js';
import { KnobError, mergeKnobs } from './knobs.js';
import type { StoredDocument } from './store.js';

export type FaultReplyKind = 'server-error' | 'throttled' | 'concurrency';

export interface SandboxVariant<T> {
  readonly name: string;
  /** api: the ERP API proper (capped, faulted, authenticated); auxiliary: e.g. a token endpoint. */
  classify(method: string, url: URL): 'api' | 'auxiliary';
  /** Undefined when the caller is authenticated; otherwise the vendor's refusal. */
  authenticate(req: SandboxRequest): Reply | undefined;
  handle(req: SandboxRequest): Reply | Promise<Reply>;
  /** The vendor's answer for an injected 5xx, an injected 429 and a request over the cap. */
  fault(kind: FaultReplyKind): Reply;
  /** The vendor's answer for a transport-level problem (body too large, a sandbox bug). */
  error(status: number, message: string): Reply;
  /**
   * How a stored document is shown by GET /_sandbox/documents. The sandboxes that keep no ERP
   * documents (Shopify, WMS, store) leave it out, and have no such endpoint.
   */
  present?(doc: StoredDocument<T>): unknown;
  /** How a fulfilment is shown there; the stored record when absent. */
  presentFulfillment?(doc: StoredDocument<Record<string, unknown>>): unknown;
  /**
   * The variant's own /_sandbox/ routes (seeding, driving shipments, reading what it received),
   * asked before the common ones; undefined leaves the request to those.
   */
  admin?(req: SandboxRequest): Reply | Promise<Reply> | undefined;
  /** What GET /_sandbox/stats shows beside the common counters; the ERP store's sizes when absent. */
  stats?(): Record<string, unknown>;
}

/** Knobs a variant keeps itself, shown and set with the common ones (which reject unknown names). */
export interface ExtraKnobs {
  readonly keys: readonly string[];
  /** Validates the patch; throws KnobError. Returns a commit that applies it. */
  prepare(patch: Record<string, unknown>): () => void;
  show(): Record<string, unknown>;
}

export interface SandboxServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** NetSuite accepts up to 104 MB; a sandbox has no use for that much. */
  readonly bodyLimitBytes?: number;
  readonly extraKnobs?: ExtraKnobs;
}

export interface RunningSandbox<T> {
  readonly url: string;
  readonly port: number;
  readonly context: SandboxContext<T>;
  close(): Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Fulfilments with per-key create counts, so a test can say "exactly N, each created once". */
function fulfillmentsView<T>(context: SandboxContext<T>, variant: SandboxVariant<T>): unknown {
  const docs = context.fulfillments.all();
  const createsByKey: Record<string, number> = {};
  for (const d of docs) if (d.key !== undefined) createsByKey[d.key] = (createsByKey[d.key] ?? 0) + d.creates;
  return {
    count: docs.length,
    creates: docs.reduce((n, d) => n + d.creates, 0),
    createsByKey,
    duplicateKeys: context.fulfillments.duplicateKeys(),
    duplicateRefusals: Object.fromEntries(context.duplicateRefusals),
    documents: docs.map((d) => ({
      id: d.id, key: d.key ?? null, creates: d.creates, createdAt: d.createdAt,
      document: variant.presentFulfillment ? variant.presentFulfillment(d) : d.body,
    })),
  };
}

export async function startSandboxServer<T>(
  variant: SandboxVariant<T>,
  context: SandboxContext<T>,
  options: SandboxServerOptions = {},
): Promise<RunningSandbox<T>> {
  const bodyLimit = options.bodyLimitBytes ?? 10 * 1024 * 1024;
  const delayed = new Set<NodeJS.Timeout>();
  const extra = options.extraKnobs;

  const reply = (res: ServerResponse, r: Reply): void => {
    context.stats.byStatus[r.status] = (context.stats.byStatus[r.status] ?? 0) + 1;
    send(res, r);
  };

  /** Commit then time out: the document is already stored; the client never hears so in time. */
  const withhold = (res: ServerResponse, r: Reply): void => {
    context.stats.faults.commitTimeout += 1;
    if (context.knobs.commitTimeoutMode === 'destroy') {
      res.socket?.destroy();
      return;
    }
    const timer = setTimeout(() => {
      delayed.delete(timer);
      reply(res, r);
    }, context.knobs.commitTimeoutDelayMs);
    delayed.add(timer);
  };

  const serveApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // context.stats is read afresh after each await: a reset replaces it (carrying inFlight over).
    const { stats, knobs } = context;
    stats.apiRequests += 1;
    stats.peakAttempted = Math.max(stats.peakAttempted, stats.inFlight + 1);
    if (knobs.concurrency > 0 && stats.inFlight >= knobs.concurrency) {
      stats.refusedOverCap += 1;
      req.resume();
      reply(res, variant.fault('concurrency'));
      return;
    }
    stats.inFlight += 1;
    stats.peakConcurrency = Math.max(stats.peakConcurrency, stats.inFlight);
    // The slot is given back when the server is done with the request, which for a withheld
    // answer is at commit: a client that times out and retries must not be refused by a slot
    // the server no longer uses, or the peak would not reflect what the client really did.
    let held = true;
    const admittedAt = performance.now();
    const release = (): void => {
      if (held) {
        context.stats.inFlight -= 1;
        context.stats.busyMs += performance.now() - admittedAt;
      }
      held = false;
    };
    try {
      const body = await readBody(req, bodyLimit);
      const latency = context.drawLatency();
      if (latency > 0) await sleep(latency);
      const sreq: SandboxRequest = { method: req.method ?? 'GET', url, headers: req.headers, body };
      const refusal = variant.authenticate(sreq);
      if (refusal) {
        context.stats.authFailures += 1;
        reply(res, refusal);
        return;
      }
      const fault = context.drawFault(WRITES.has(sreq.method), url.pathname);
      if (fault === 'server-error' || fault === 'throttled') {
        context.stats.faults[fault === 'server-error' ? 'serverError' : 'throttled'] += 1;
        reply(res, variant.fault(fault));
        return;
      }
      const r = await variant.handle(sreq);
      if (fault === 'commit-timeout' && r.committed) {
        release();
        withhold(res, r);
        return;
      }
      reply(res, r);
    } catch (err) {
      if (err instanceof BodyTooLargeError) reply(res, variant.error(413, err.message));
      else reply(res, variant.error(500, err instanceof Error ? err.message : String(err)));
    } finally {
      release();
    }
  };

  const knobs = (): Record<string, unknown> => ({ ...context.knobs, ...extra?.show() });

  // Both sets are validated before either is applied, so a refused patch changes nothing.
  const setKnobs = (patch: Record<string, unknown>): Reply => {
    const own = new Set(extra?.keys ?? []);
    const common = Object.fromEntries(Object.entries(patch).filter(([k]) => !own.has(k)));
    const mine = Object.fromEntries(Object.entries(patch).filter(([k]) => own.has(k)));
    try {
      mergeKnobs(context.knobs, common);
      const commit = extra && Object.keys(mine).length > 0 ? extra.prepare(mine) : undefined;
      context.setKnobs(common);
      commit?.();
    } catch (err) {
      if (!(err instanceof KnobError)) throw err;
      return { status: 400, body: { error: err.message } };
    }
    return { status: 200, body: knobs() };
  };

  const documentsView = (present: (doc: StoredDocument<T>) => unknown, key: string | null): unknown => {
    const docs = key === null ? context.store.all() : context.store.findByKey(key);
    return {
      variant: variant.name,
      count: docs.length,
      creates: docs.reduce((n, d) => n + d.creates, 0),
      updates: docs.reduce((n, d) => n + d.updates, 0),
      duplicateKeys: context.store.duplicateKeys(),
      documents: docs.map((d) => ({
        id: d.id, key: d.key ?? null, creates: d.creates, updates: d.updates,
        createdAt: d.createdAt, updatedAt: d.updatedAt, document: present(d),
      })),
      fulfillments: fulfillmentsView(context, variant),
      lineChanges: { count: context.lineChanges.length, changes: context.lineChanges },
    };
  };

  const ownStats = (): Record<string, unknown> => variant.stats?.() ?? {
    documents: context.store.size, fulfillments: context.fulfillments.size, lineChanges: context.lineChanges.length,
  };

  const serveAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const body = await readBody(req, bodyLimit);
    const sreq: SandboxRequest = { method: req.method ?? 'GET', url, headers: req.headers, body };
    const own = await variant.admin?.(sreq);
    if (own) return send(res, own);
    const route = `${sreq.method} ${url.pathname}`;
    if (route === 'GET /_sandbox/documents' && variant.present) {
      send(res, { status: 200, body: documentsView(variant.present.bind(variant), url.searchParams.get('key')) });
    } else if (route === 'GET /_sandbox/stats') {
      send(res, { status: 200, body: { variant: variant.name, ...context.stats, ...ownStats(), knobs: knobs() } });
    } else if (route === 'POST /_sandbox/reset') {
      context.reset();
      send(res, { status: 204 });
    } else if (route === 'GET /_sandbox/knobs') {
      send(res, { status: 200, body: knobs() });
    } else if (route === 'POST /_sandbox/knobs') {
      const patch = jsonObject(body);
      send(res, patch ? setKnobs(patch) : { status: 400, body: { error: 'send a JSON object of knobs' } });
    } else {
      send(res, { status: 404, body: { error: `no sandbox endpoint ${route}` } });
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const work = url.pathname.startsWith('/_sandbox/')
      ? serveAdmin(req, res, url)
      : (() => {
          context.stats.requests += 1;
          if (variant.classify(req.method ?? 'GET', url) === 'auxiliary') {
            return readBody(req, bodyLimit).then(async (body) =>
              reply(res, await variant.handle({ method: req.method ?? 'GET', url, headers: req.headers, body })));
          }
          return serveApi(req, res, url);
        })();
    work.catch((err: unknown) => send(res, variant.error(500, err instanceof Error ? err.message : String(err))));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    context,
    close: async () => {
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
