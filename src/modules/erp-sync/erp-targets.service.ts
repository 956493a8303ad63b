import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withoutUserinfo } from '../../platform/http/input-checks.js';
import { parseErpTarget, type ErpTarget } from './erp-target.js';
import { POSTINGS_DUE_CHANNEL } from './outbox/posting-outbox.js';

type Row = Record<string, unknown>;

function fromRow(row: Row): ErpTarget {
  return {
    id: row.id as string,
    variant: row.variant as ErpTarget['variant'],
    baseUrl: row.base_url as string,
    credentials: row.credentials as Record<string, string>,
    settings: (row.settings ?? {}) as Record<string, unknown>,
    concurrencyCap: row.concurrency_cap as number,
    rateLimitPerSecond: row.rate_limit_per_second as number | null,
    timeoutMs: row.timeout_ms as number,
    routing: row.routing as ErpTarget['routing'],
    enabled: row.enabled as boolean,
  };
}

/**
 * A target as the API (REST and GraphQL) shows it: credentials are write-only, so only
 * their names appear, and a user:password@ an older row's baseUrl holds is left out.
 */
export type ErpTargetView = Omit<ErpTarget, 'credentials'> & { credentialNames: string[] };

export function viewOf(target: ErpTarget): ErpTargetView {
  const { credentials, ...rest } = target;
  return { ...rest, baseUrl: withoutUserinfo(rest.baseUrl), credentialNames: Object.keys(credentials).sort() };
}

/** ERP targets are configuration in the database, so every process sees the same ones. */
@Injectable()
export class ErpTargetsService {
  private cache: { at: number; targets: Map<string, ErpTarget> } | null = null;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async upsert(id: string, input: unknown): Promise<ErpTarget> {
    const target = parseErpTarget(id, input);
    const [row]: Row[] = await this.dataSource.query(
      `INSERT INTO erp_targets (id, variant, base_url, credentials, concurrency_cap, rate_limit_per_second, timeout_ms, routing, enabled, settings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET variant = EXCLUDED.variant, base_url = EXCLUDED.base_url, credentials = EXCLUDED.credentials,
         settings = EXCLUDED.settings,
         concurrency_cap = EXCLUDED.concurrency_cap, rate_limit_per_second = EXCLUDED.rate_limit_per_second,
         timeout_ms = EXCLUDED.timeout_ms, routing = EXCLUDED.routing, enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING *`,
      [target.id, target.variant, target.baseUrl, JSON.stringify(target.credentials), target.concurrencyCap, target.rateLimitPerSecond,
        target.timeoutMs, JSON.stringify(target.routing), target.enabled, JSON.stringify(target.settings)],
    );
    this.cache = null;
    // Postings waiting for a target that was off are due now: the relays should look.
    if (target.enabled) await this.dataSource.query(`SELECT pg_notify($1, '')`, [POSTINGS_DUE_CHANNEL]);
    return fromRow(row);
  }

  async list(): Promise<ErpTarget[]> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM erp_targets ORDER BY id');
    return rows.map(fromRow);
  }

  /** For the posting worker: read through a short cache, since every posting needs its target. */
  async get(id: string): Promise<ErpTarget | null> {
    if (!this.cache || Date.now() - this.cache.at > 2000) {
      this.cache = { at: Date.now(), targets: new Map((await this.list()).map((t) => [t.id, t])) };
    }
    return this.cache.targets.get(id) ?? null;
  }
}
