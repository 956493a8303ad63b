/**
 * POS simulator: a store's tills, which talk to the hub rather than answer it. It sends signed
 * batches to POST /webhooks/pos/{storeId}/batches (X-Pos-Signature, HMAC-SHA256 with the store's
 * secret) and writes files into the hub's POS_DROP_DIR/<storeId>/.
 *
 * Admin (each answers with what was sent and what the hub said):
 *   POST /_sandbox/batches   { transactions, register?, currency?, batchId? }      → one signed batch
 *   POST /_sandbox/drops     { transactions, format?: csv|ndjson, name?, register?, currency? } → one file in the drop folder
 *   POST /_sandbox/day       { businessDate?, offset?, openingFloat?, countDelta? } → a scripted store day: a batch, the
 *                            same batch again (duplicates), a file drop with a bad row, the day close, then a late batch
 *   GET  /_sandbox/sent      everything sent, with the hub's answers
 * Knobs beside the common ones: hubUrl, storeId, secret (write-only), dropDir, signature: valid|wrong-secret|none.
 */
import { createHmac } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxContext } from '../erp/shared/context.js';
import { jsonObject, type Reply, type SandboxRequest } from '../erp/shared/http.js';
import { KnobError, type Knobs } from '../erp/shared/knobs.js';
import { startSandboxServer, type ExtraKnobs, type FaultReplyKind, type RunningSandbox, type SandboxVariant } from '../erp/shared/server.js';
import { csvFile, ndjsonFile } from './drop-file.js';
import { decimal, storeDayScript } from './store-day-script.js';

type Json = Record<string, unknown>;
type SignatureMode = 'valid' | 'wrong-secret' | 'none';
const SIGNATURES: readonly SignatureMode[] = ['valid', 'wrong-secret', 'none'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface PosSettings {
  hubUrl: string | null;
  storeId: string;
  secret: string | null;
  dropDir: string | null;
  signature: SignatureMode;
}

export interface PosSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** The hub's base URL, e.g. http://127.0.0.1:3000. */
  readonly hubUrl?: string | null;
  readonly storeId?: string;
  readonly secret?: string | null;
  /** The hub's POS_DROP_DIR (the simulator writes into <dropDir>/<storeId>/). */
  readonly dropDir?: string | null;
  readonly knobs?: Partial<Knobs>;
}

export type PosSimulator = RunningSandbox<unknown> & { readonly settings: PosSettings };

interface Sent {
  readonly seq: number;
  readonly kind: 'batch' | 'drop';
  readonly ref: string;
  readonly at: string;
  readonly status: number | null;
  readonly answer: unknown;
  readonly error: string | null;
}

const adminError = (status: number, error: string): Reply => ({ status, body: { error } });

class PosVariant implements SandboxVariant<unknown> {
  readonly name = 'pos';
  private readonly sent: Sent[] = [];
  private batchSeq = 0;

  constructor(context: SandboxContext<unknown>, private readonly settings: PosSettings) {
    context.onReset(() => {
      this.sent.length = 0;
      this.batchSeq = 0;
    });
  }

  classify(): 'api' {
    return 'api';
  }

  authenticate(): undefined {
    return undefined;
  }

  handle(req: SandboxRequest): Reply {
    return adminError(404, `the POS simulator serves no ${req.method} ${req.url.pathname}: it sends, see /_sandbox/`);
  }

  fault(kind: FaultReplyKind): Reply {
    return adminError(kind === 'server-error' ? 500 : 429, kind);
  }

  error(status: number, message: string): Reply {
    return adminError(status, message);
  }

  stats(): Record<string, unknown> {
    return { batches: this.sent.filter((s) => s.kind === 'batch').length, drops: this.sent.filter((s) => s.kind === 'drop').length };
  }

  admin(req: SandboxRequest): Reply | Promise<Reply> | undefined {
    const path = req.url.pathname.replace(/\/+$/, '');
    const body = jsonObject(req.body) ?? {};
    if (path === '/_sandbox/sent' && req.method === 'GET') return { status: 200, body: { count: this.sent.length, sent: this.sent } };
    if (req.method !== 'POST') return undefined;
    if (path !== '/_sandbox/day' && (!Array.isArray(body.transactions) || body.transactions.length === 0)) return adminError(400, 'transactions must be a non-empty array');
    if (path === '/_sandbox/batches') return this.sendBatch(body).then((s) => ({ status: 200, body: { sent: s } }));
    if (path === '/_sandbox/drops') return this.drop(body).then((s) => ({ status: 200, body: { sent: s } }));
    if (path === '/_sandbox/day') return this.day(body);
    return undefined;
  }

  /** One signed batch to the hub; the same transactions under the same batch id are the same bytes. */
  async sendBatch(body: Json): Promise<Sent> {
    const batchId = typeof body.batchId === 'string' ? body.batchId : `SIM-B-${Date.now()}-${(this.batchSeq += 1)}`;
    const raw = JSON.stringify({
      schemaVersion: 1, batchId, storeId: this.settings.storeId, register: typeof body.register === 'string' ? body.register : 'R1',
      currency: typeof body.currency === 'string' ? body.currency : 'USD', transactions: body.transactions,
    });
    const record = (status: number | null, answer: unknown, error: string | null): Sent => {
      const sent = { seq: this.sent.length + 1, kind: 'batch' as const, ref: batchId, at: new Date().toISOString(), status, answer, error };
      this.sent.push(sent);
      return sent;
    };
    const { hubUrl, secret, storeId, signature } = this.settings;
    if (!hubUrl || !secret) return record(null, null, 'no hubUrl or secret configured');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'pos-simulator' };
    if (signature !== 'none') headers['x-pos-signature'] = `sha256=${createHmac('sha256', signature === 'valid' ? secret : `${secret}-not-it`).update(raw).digest('hex')}`;
    try {
      const response = await fetch(`${hubUrl.replace(/\/+$/, '')}/webhooks/pos/${encodeURIComponent(storeId)}/batches`, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      let answer: unknown = text;
      try {
        answer = JSON.parse(text);
      } catch {
        // kept as text
      }
      return record(response.status, answer, null);
    } catch (err) {
      return record(null, null, err instanceof Error ? err.message : String(err));
    }
  }

  /** A file in <dropDir>/<storeId>/, written under a .part name and renamed, so the hub never reads half of it. */
  async drop(body: Json): Promise<Sent> {
    const format = body.format === 'ndjson' ? 'ndjson' : 'csv';
    const name = typeof body.name === 'string' && /^[\w.-]+$/.test(body.name) ? body.name : `sim-${Date.now()}-${(this.batchSeq += 1)}.${format}`;
    const register = typeof body.register === 'string' ? body.register : 'R1';
    const currency = typeof body.currency === 'string' ? body.currency : 'USD';
    const record = (error: string | null): Sent => {
      const sent = { seq: this.sent.length + 1, kind: 'drop' as const, ref: name, at: new Date().toISOString(), status: null, answer: null, error };
      this.sent.push(sent);
      return sent;
    };
    if (!this.settings.dropDir) return record('no dropDir configured');
    const folder = join(this.settings.dropDir, this.settings.storeId);
    await mkdir(folder, { recursive: true });
    const content = format === 'csv' ? csvFile(body.transactions as Json[], register, currency) : ndjsonFile(body.transactions as Json[], register, currency);
    await writeFile(join(folder, `${name}.part`), content);
    await rename(join(folder, `${name}.part`), join(folder, name));
    return record(null);
  }

  private async day(body: Json): Promise<Reply> {
    const businessDate = typeof body.businessDate === 'string' && DATE.test(body.businessDate) ? body.businessDate : new Date().toISOString().slice(0, 10);
    const countDelta = typeof body.countDelta === 'number' && Number.isSafeInteger(body.countDelta) ? body.countDelta : -150;
    const script = storeDayScript({
      businessDate, offset: typeof body.offset === 'string' ? body.offset : '-05:00', currency: 'USD',
      openingFloat: typeof body.openingFloat === 'string' ? body.openingFloat : '150.00', countDelta,
    });
    const tag = businessDate.replace(/-/g, '');
    const sent = [
      await this.sendBatch({ batchId: `SIM-${tag}-01`, transactions: script.firstBatch }),
      // The till resends the batch it got no answer for: every transaction a duplicate.
      await this.sendBatch({ batchId: `SIM-${tag}-01`, transactions: script.firstBatch }),
      await this.drop({ name: `sim-${tag}.csv`, transactions: script.fileDrop }),
      await this.sendBatch({ batchId: `SIM-${tag}-close`, transactions: [script.close] }),
      // A till that was offline sends its sale after the close: the hub restates the day.
      await this.sendBatch({ batchId: `SIM-${tag}-late`, transactions: script.lateBatch }),
    ];
    const cents = decimal;
    return {
      status: 200,
      body: {
        businessDate, storeId: this.settings.storeId, sent,
        simulatorExpects: {
          expectedBeforeLate: cents(script.expected.beforeLate), expectedAfterLate: cents(script.expected.afterLate), counted: cents(script.expected.counted),
          varianceAfterLate: cents(script.expected.counted - script.expected.afterLate),
        },
      },
    };
  }
}

function posKnobs(settings: PosSettings): ExtraKnobs {
  return {
    keys: ['hubUrl', 'storeId', 'secret', 'dropDir', 'signature'],
    prepare(patch) {
      const next = { ...settings };
      for (const [key, value] of Object.entries(patch)) {
        if (key === 'hubUrl') {
          if (value !== null && (typeof value !== 'string' || !/^https?:\/\//.test(value))) throw new KnobError('hubUrl must be null or an http(s) URL');
          next.hubUrl = value;
        } else if (key === 'storeId') {
          if (typeof value !== 'string' || !/^[\w.-]{1,64}$/.test(value)) throw new KnobError('storeId must be 1 to 64 letters, digits, ., _ or -');
          next.storeId = value;
        } else if (key === 'secret') {
          if (value !== null && (typeof value !== 'string' || value.length < 8)) throw new KnobError('secret must be null or at least 8 characters');
          next.secret = value;
        } else if (key === 'dropDir') {
          if (value !== null && (typeof value !== 'string' || value === '')) throw new KnobError('dropDir must be null or a folder');
          next.dropDir = value;
        } else if (key === 'signature') {
          if (!SIGNATURES.includes(value as SignatureMode)) throw new KnobError(`signature must be one of ${SIGNATURES.join(', ')}`);
          next.signature = value as SignatureMode;
        }
      }
      return () => Object.assign(settings, next);
    },
    show: () => ({ hubUrl: settings.hubUrl, storeId: settings.storeId, secretSet: settings.secret !== null, dropDir: settings.dropDir, signature: settings.signature }),
  };
}

export async function startPosSimulator(options: PosSimulatorOptions = {}): Promise<PosSimulator> {
  const context = new SandboxContext<unknown>({ concurrency: 0, ...options.knobs });
  const settings: PosSettings = {
    hubUrl: options.hubUrl ?? null, storeId: options.storeId ?? 'brooklyn-01', secret: options.secret ?? null, dropDir: options.dropDir ?? null, signature: 'valid',
  };
  const variant = new PosVariant(context, settings);
  const running = await startSandboxServer(variant, context, { ...options, bodyLimitBytes: 1024 * 1024, extraKnobs: posKnobs(settings) });
  return { ...running, settings };
}
