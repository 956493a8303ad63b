/**
 * The HTTP core of the fulfilment-feature sandboxes (Shopify Admin, WMS, store). It does what
 * sandboxes/erp/shared/server.ts does for the ERPs (latency, 5xx / 429 faults, commit then time
 * out, a concurrency cap, stats, knobs, reset) on the same SandboxContext and http helpers, and
 * adds the one thing that core lacks: routes of the variant's own under /_sandbox/ (seeding,
 * driving shipments, reading what was received). Should the ERP core grow such a hook, this
 * file folds into it.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxContext } from '../erp/shared/context.js';
import { BodyTooLargeError, jsonObject, readBody, send, type Reply, type SandboxRequest } from '../erp/shared/http.js';
import { KnobError, mergeKnobs } from '../erp/shared/knobs.js';

export interface CoreVariant {
  readonly name: string;
  /** Undefined when the caller is authenticated; otherwise the vendor's refusal. */
  authenticate(req: SandboxRequest): Reply | undefined;
  handle(req: SandboxRequest): Reply | Promise<Reply>;
  /** The vendor's answer to an injected 5xx, and to an injected 429 or a request over the cap. */
  fault(kind: 'server-error' | 'throttled'): Reply;
  /** The vendor's answer to a transport-level problem (body too large, a sandbox bug). */
  error(status: number, message: string): Reply;
  /** The variant's own /_sandbox/ routes; undefined leaves the request to the common ones. */
  admin(req: SandboxRequest): Reply | Promise<Reply> | undefined;
  /** Counters of the variant's own, shown by GET /_sandbox/stats beside the common ones. */
  stats(): Record<string, unknown>;
}

/** Knobs the variant keeps itself (the common ones reject unknown names). */
export interface ExtraKnobs {
  readonly keys: readonly string[];
  /** Validates the patch; throws KnobError. Returns a commit that applies it. */
  prepare(patch: Record<string, unknown>): () => void;
  show(): Record<string, unknown>;
}

export interface CoreServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly bodyLimitBytes?: number;
  readonly extraKnobs?: ExtraKnobs;
}

export interface RunningCore {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function startCoreServer(variant: CoreVariant, context: SandboxContext<unknown>, options: CoreServerOptions = {}): Promise<RunningCore> {
  const bodyLimit = options.bodyLimitBytes ?? 5 * 1024 * 1024;
  const delayed = new Set<NodeJS.Timeout>();
  const extra = options.extraKnobs;

  const reply = (res: ServerResponse, r: Reply): void => {
    context.stats.byStatus[r.status] = (context.stats.byStatus[r.status] ?? 0) + 1;
    send(res, r);
  };

  /** The write is stored; the client never hears so in time. */
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
    const { stats, knobs } = context;
    stats.requests += 1;
    stats.apiRequests += 1;
    stats.peakAttempted = Math.max(stats.peakAttempted, stats.inFlight + 1);
    if (knobs.concurrency > 0 && stats.inFlight >= knobs.concurrency) {
      stats.refusedOverCap += 1;
      req.resume();
      reply(res, variant.fault('throttled'));
      return;
    }
    stats.inFlight += 1;
    stats.peakConcurrency = Math.max(stats.peakConcurrency, stats.inFlight);
    let held = true;
    const release = (): void => {
      if (held) context.stats.inFlight -= 1;
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

  const knobsReply = (): Reply => ({ status: 200, body: { ...context.knobs, ...extra?.show() } });

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
    return knobsReply();
  };

  const serveAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const body = await readBody(req, bodyLimit);
    const sreq: SandboxRequest = { method: req.method ?? 'GET', url, headers: req.headers, body };
    const own = await variant.admin(sreq);
    if (own) return send(res, own);
    const route = `${sreq.method} ${url.pathname}`;
    if (route === 'GET /_sandbox/stats') {
      send(res, { status: 200, body: { variant: variant.name, ...context.stats, ...variant.stats(), knobs: knobsReply().body } });
    } else if (route === 'POST /_sandbox/reset') {
      context.reset();
      send(res, { status: 204 });
    } else if (route === 'GET /_sandbox/knobs') {
      send(res, knobsReply());
    } else if (route === 'POST /_sandbox/knobs') {
      const patch = jsonObject(body);
      send(res, patch ? setKnobs(patch) : { status: 400, body: { error: 'send a JSON object of knobs' } });
    } else {
      send(res, { status: 404, body: { error: `no sandbox endpoint ${route}` } });
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const work = url.pathname.startsWith('/_sandbox/') ? serveAdmin(req, res, url) : serveApi(req, res, url);
    work.catch((err: unknown) => send(res, variant.error(500, err instanceof Error ? err.message : String(err))));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
