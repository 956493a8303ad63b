import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';
import type { SettlementComponent } from '../../canonical/settlement.js';

const COLUMNS = [
  'side', 'component', 'fee_type', 'provider_key', 'lineage', 'channel', 'order_ref', 'transaction_ref', 'psp_reference', 'payout_ref',
  'amount', 'currency', 'event_at', 'posted_at', 'payout_status',
] as const;
const LIST = COLUMNS.join(', ');
const INSERT_BATCH = 500;

/**
 * Streams a report's components straight into the ledger under its import: COPY on PostgreSQL,
 * batched INSERTs where there is no pg client (PGlite embedded). The caller holds them in its
 * transaction until the report's identity and control totals are known, so a report is either
 * wholly in the ledger or not at all; each line is written once, with no staging copy.
 */
export async function writeComponents(runner: QueryRunner, importId: string, channel: string, batches: AsyncIterable<SettlementComponent[]>): Promise<void> {
  const client = (runner as unknown as { databaseConnection?: unknown }).databaseConnection;
  if (client instanceof pg.Client) {
    const copy = client.query(copyStreams.from(`COPY settlement_components (import_id, ${LIST}) FROM STDIN`));
    await pipeline(Readable.from(copyLines(importId, channel, batches)), copy);
    return;
  }
  for await (const batch of batches) {
    for (let from = 0; from < batch.length; from += INSERT_BATCH) await insertBatch(runner, importId, channel, batch.slice(from, from + INSERT_BATCH));
  }
}

async function insertBatch(runner: QueryRunner, importId: string, channel: string, batch: SettlementComponent[]): Promise<void> {
  const rows = batch.map((c) => values(channel, c));
  const columns = COLUMNS.map((_, index) => rows.map((row) => row[index]));
  const casts = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text', 'timestamptz', 'timestamptz', 'text'];
  await runner.query(
    `INSERT INTO settlement_components (import_id, ${LIST}) SELECT $1::bigint, * FROM unnest(${casts.map((cast, i) => `$${i + 2}::${cast}[]`).join(', ')})`,
    [importId, ...columns]);
}

function values(channel: string, c: SettlementComponent): (string | null)[] {
  return [
    c.side, c.component, c.feeType, c.providerKey, c.lineage, channel, c.orderRef, c.transactionRef, c.pspReference, c.payoutRef,
    c.amount.toString(), c.currency, iso(c.eventAt), iso(c.postedAt), c.payoutStatus,
  ];
}

// A report's lines mostly share a few dates (the payout's, the settlement's, a day's): format each once.
const ISO = new Map<number, string>();
function iso(date: Date | null): string | null {
  if (!date) return null;
  const time = date.getTime();
  let text = ISO.get(time);
  if (text === undefined) {
    if (ISO.size >= 4096) ISO.clear();
    text = date.toISOString();
    ISO.set(time, text);
  }
  return text;
}

async function* copyLines(importId: string, channel: string, batches: AsyncIterable<SettlementComponent[]>): AsyncGenerator<string> {
  const prefix = `${importId}\t`;
  for await (const batch of batches) {
    let buffer = '';
    for (const component of batch) buffer += prefix + values(channel, component).map(copyText).join('\t') + '\n';
    if (buffer) yield buffer;
  }
}

/** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
const COPY_SPECIAL = /[\\\t\n\r]/;
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}
