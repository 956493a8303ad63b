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
 * Streams components into a transaction-local staging table: COPY on PostgreSQL, batched
 * INSERTs where there is no pg client (PGlite embedded). The staging rows become ledger rows
 * in one INSERT … SELECT once the report's identity and control totals are known, so a report
 * is either wholly in the ledger or not at all.
 */
export async function stageComponents(runner: QueryRunner, channel: string, components: AsyncIterable<SettlementComponent>): Promise<void> {
  await runner.query(`CREATE TEMP TABLE settlement_staging ON COMMIT DROP AS SELECT ${LIST} FROM settlement_components WITH NO DATA`);
  const client = (runner as unknown as { databaseConnection?: unknown }).databaseConnection;
  if (client instanceof pg.Client) {
    const copy = client.query(copyStreams.from(`COPY settlement_staging (${LIST}) FROM STDIN`));
    await pipeline(Readable.from(copyLines(channel, components)), copy);
    return;
  }
  let batch: SettlementComponent[] = [];
  for await (const component of components) {
    batch.push(component);
    if (batch.length === INSERT_BATCH) {
      await insertBatch(runner, channel, batch);
      batch = [];
    }
  }
  if (batch.length) await insertBatch(runner, channel, batch);
}

/** Moves the staged rows into the ledger under their import; returns how many. */
export async function commitStaged(runner: QueryRunner, importId: string): Promise<number> {
  const rows: { id: string }[] = await runner.query(
    `INSERT INTO settlement_components (import_id, ${LIST}) SELECT $1, ${LIST} FROM settlement_staging RETURNING id`, [importId]);
  return rows.length;
}

async function insertBatch(runner: QueryRunner, channel: string, batch: SettlementComponent[]): Promise<void> {
  const columns = COLUMNS.map((_, index) => batch.map((c) => values(channel, c)[index]));
  const casts = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text', 'timestamptz', 'timestamptz', 'text'];
  await runner.query(
    `INSERT INTO settlement_staging (${LIST}) SELECT * FROM unnest(${casts.map((cast, i) => `$${i + 1}::${cast}[]`).join(', ')})`, columns);
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

async function* copyLines(channel: string, components: AsyncIterable<SettlementComponent>): AsyncGenerator<string> {
  let buffer = '';
  for await (const component of components) {
    buffer += values(channel, component).map(copyText).join('\t') + '\n';
    if (buffer.length > 65536) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
const COPY_SPECIAL = /[\\\t\n\r]/;
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}
