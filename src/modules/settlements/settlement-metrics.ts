import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '../../platform/metrics/registry.js';

/** The kinds of report line a match is meant to consume; fees and reserves are explained by mapping, not matched. */
const MATCHABLE = `('PRINCIPAL', 'DISCOUNT', 'SHIPPING', 'TAX', 'REFUND', 'PAYOUT', 'BANK_DEPOSIT')`;

type Reader = Pick<DataSource, 'query'>;

/** Read at scrape time, so it is right whichever process imported or matched. */
let source: Reader | null = null;

new Gauge({
  name: 'hub_settlement_breaks_open',
  help: 'Settlement breaks not resolved, by category and age (0-7d, 8-30d, 31-90d, 90d+)',
  labelNames: ['category', 'age'] as const,
  registers: [metricsRegistry],
  async collect() {
    if (!source) return;
    const rows: { category: string; age: string; n: number }[] = await source.query(`
      SELECT category, CASE WHEN age <= 7 THEN '0-7d' WHEN age <= 30 THEN '8-30d' WHEN age <= 90 THEN '31-90d' ELSE '90d+' END AS age, count(*)::int AS n
      FROM (SELECT category, extract(epoch FROM now() - opened_at) / 86400 AS age FROM settlement_breaks WHERE status <> 'RESOLVED') b
      GROUP BY 1, 2`).catch(() => []);
    this.reset();
    for (const row of rows) this.set({ category: row.category, age: row.age }, row.n);
  },
});

new Gauge({
  name: 'hub_settlement_unmatched_minor_units',
  help: 'Report lines no match has consumed yet (captures, refunds, payouts, bank lines), summed per channel and currency, in minor units',
  labelNames: ['channel', 'currency'] as const,
  registers: [metricsRegistry],
  async collect() {
    if (!source) return;
    const rows: { channel: string; currency: string; amount: string }[] = await source.query(`
      SELECT c.channel, c.currency, sum(c.amount)::text AS amount FROM settlement_components c
      WHERE c.side = 'REPORTED' AND c.component IN ${MATCHABLE} AND NOT EXISTS (SELECT 1 FROM settlement_match_items i WHERE i.component_id = c.id)
      GROUP BY c.channel, c.currency`).catch(() => []);
    this.reset();
    for (const row of rows) this.set({ channel: row.channel, currency: row.currency }, Number(row.amount));
  },
});

/** Metrics live at module scope: one registration per process, however many app instances. */
@Injectable()
export class SettlementMetrics {
  constructor(@Inject(DataSource) dataSource: DataSource) {
    source = dataSource;
  }
}
