import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { AmazonSettlementV2Parser } from '../src/adapters/payments/amazon-settlement-v2.js';
import { OrderService } from '../src/modules/orders/order.service.js';
import { matchOrdersInLanes } from '../src/modules/settlements/order-matching-lanes.js';
import { importReport, sha256 } from '../src/modules/settlements/settlement-importer.js';
import { freshDatabase } from './support/test-database.js';

const path = (name: string) => fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url));
const HEADER = 'settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\ttransaction-type\torder-id\tamount-type\tamount-description\tamount';

/** What the hub expects per order against what Amazon reports, component by component, to the cent. */
describe('order ↔ settlement matching', () => {
  let db: DataSource;
  let orders: OrderService;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('settlement_orders'), poolSize: 4, migrations: MIGRATIONS, migrationsTransactionMode: 'each' }).initialize();
    await db.runMigrations();
    orders = new OrderService(db);
  });
  afterAll(() => db?.destroy());

  async function order(externalId: string, totals: { subtotal: number; discounts?: number; shipping?: number; tax?: number; taxesIncluded?: boolean }) {
    const { subtotal, discounts = 0, shipping = 0, tax = 0, taxesIncluded = false } = totals;
    await db.query(`INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
        risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
      VALUES ($1, 'AMAZON', 'de', $2, $2, 'RECEIVED', 'EUR', now(), now(), 'PAID', 'ACCEPT', 'COMPUTED', $3, $4, $5, $6, $7, $8)`,
    [randomUUID(), externalId, taxesIncluded, subtotal, discounts, tax, shipping, subtotal - discounts + shipping + (taxesIncluded ? 0 : tax)]);
  }
  async function report(name: string, text?: string) {
    const bytes = text ?? readFileSync(path(name));
    const fileHash = sha256(bytes);
    const input = text === undefined ? createReadStream(path(name)) : Readable.from([text]);
    const outcome = await importReport(db, { parser: new AmazonSettlementV2Parser({ fileName: name, channel: 'AMAZON', fileHash }), input, channel: 'AMAZON', fileHash, importedBy: 'op' });
    expect(outcome.status).toBe('IMPORTED');
  }
  // Two lanes, as the service runs it: every outcome below must come out whichever lane an order falls in.
  const match = () => matchOrdersInLanes(db, orders, { TAX: 1n });
  const breaks = (status = 'OPEN') => db.query(`SELECT category, break_key, amount FROM settlement_breaks WHERE status = $1 AND category <> 'CONTROL_TOTAL' ORDER BY break_key`, [status]);

  it('matches each component to the cent, keeps a tolerated cent as ROUNDING, and opens a break per difference', async () => {
    // Reported: 302-1111111 principal 1199.00, tax 227.81, shipping 4.99; 302-2222222 principal 50.00, tax 9.50, promotion −5.00.
    await order('302-1111111-1111111', { subtotal: 119900, shipping: 499, tax: 22780 });
    await order('302-2222222-2222222', { subtotal: 5100, discounts: 500, shipping: 300, tax: 950 });
    await report('amazon-v2-settlement-1.tsv');
    expect(await match()).toEqual({ expectedAdded: 7, matched: 4, rounding: 1, amountMismatch: 1, missingInReport: 1, orphans: 0, ambiguous: 0, closed: 0 });

    const matched = await db.query(`SELECT m.rule, m.tolerance_used, array_agg(c.side || ':' || c.amount ORDER BY c.side) AS items
      FROM settlement_matches m JOIN settlement_match_items i ON i.match_id = m.id JOIN settlement_components c ON c.id = i.component_id
      GROUP BY m.id ORDER BY m.id`);
    expect(matched).toEqual(expect.arrayContaining([
      { rule: 'order-component:PRINCIPAL', tolerance_used: '0', items: ['EXPECTED:119900', 'REPORTED:119900'] },
      { rule: 'order-component:TAX', tolerance_used: '1', items: ['EXPECTED:22780', 'REPORTED:22781'] },
      { rule: 'order-component:DISCOUNT', tolerance_used: '0', items: ['EXPECTED:-500', 'REPORTED:-500'] },
    ]));
    expect(await db.query(`SELECT category, amount, status, explanation FROM settlement_breaks WHERE category = 'ROUNDING'`)).toEqual([{
      category: 'ROUNDING', amount: '1', status: 'ACKNOWLEDGED',
      explanation: "order 302-1111111-1111111 (AMAZON): TAX reported 22781, expected 22780 minor units of EUR; the difference 1 is within the rule's tolerance of 1",
    }]);
    expect(await breaks()).toEqual([
      { category: 'AMOUNT_MISMATCH', break_key: 'AMOUNT_MISMATCH:ORDER:AMAZON:302-2222222-2222222:PRINCIPAL:EUR', amount: '-100' },
      { category: 'MISSING_IN_REPORT', break_key: 'MISSING_IN_REPORT:ORDER:AMAZON:302-2222222-2222222:SHIPPING:EUR', amount: '-300' },
    ]);
  });

  it('changes nothing when run again on the same data', async () => {
    const before = await db.query('SELECT (SELECT count(*) FROM settlement_matches)::int AS m, (SELECT count(*) FROM settlement_breaks)::int AS b');
    expect(await match()).toMatchObject({ expectedAdded: 0, matched: 0, rounding: 0, amountMismatch: 1, missingInReport: 1, closed: 0 });
    expect(await db.query('SELECT (SELECT count(*) FROM settlement_matches)::int AS m, (SELECT count(*) FROM settlement_breaks)::int AS b')).toEqual(before);
  });

  it('calls a reported order the hub does not have an ORPHAN_REPORT_LINE', async () => {
    await report('late.tsv', [HEADER,
      '11866666666\t01.04.2026 00:00:00 UTC\t14.04.2026 00:00:00 UTC\t16.04.2026 00:00:00 UTC\t1,00\tEUR\t\t\t\t\t',
      '11866666666\t\t\t\t\tEUR\tOrder\t302-3333333-3333333\tItemPrice\tPrincipal\t1,00', ''].join('\n'));
    expect(await match()).toMatchObject({ orphans: 1, matched: 0 });
    expect(await breaks()).toContainEqual({ category: 'ORPHAN_REPORT_LINE', break_key: 'ORPHAN_REPORT_LINE:ORDER:AMAZON:302-3333333-3333333:PRINCIPAL:EUR', amount: '100' });
  });

  it('closes the breaks that later data explains: the missing lines arrive, the order arrives', async () => {
    await report('catch-up.tsv', [HEADER,
      '11877777777\t15.04.2026 00:00:00 UTC\t29.04.2026 00:00:00 UTC\t30.04.2026 00:00:00 UTC\t4,00\tEUR\t\t\t\t\t',
      '11877777777\t\t\t\t\tEUR\tOrder\t302-2222222-2222222\tItemPrice\tPrincipal\t1,00',
      '11877777777\t\t\t\t\tEUR\tOrder\t302-2222222-2222222\tItemPrice\tShipping\t3,00', ''].join('\n'));
    await order('302-3333333-3333333', { subtotal: 100 });
    expect(await match()).toEqual({ expectedAdded: 1, matched: 3, rounding: 0, amountMismatch: 0, missingInReport: 0, orphans: 0, ambiguous: 0, closed: 3 });
    expect(await breaks()).toEqual([]);
    expect((await breaks('RESOLVED')).map((row: { category: string }) => row.category).sort()).toEqual(['AMOUNT_MISMATCH', 'MISSING_IN_REPORT', 'ORPHAN_REPORT_LINE']);
    expect(await db.query(`SELECT action, actor FROM settlement_break_actions ORDER BY id`)).toEqual([
      { action: 'AUTO_CLOSE', actor: 'matcher' }, { action: 'AUTO_CLOSE', actor: 'matcher' }, { action: 'AUTO_CLOSE', actor: 'matcher' },
    ]);
    const [principal] = await db.query(`SELECT array_agg(c.side || ':' || c.amount ORDER BY c.side, c.amount) AS items FROM settlement_match_items i
      JOIN settlement_components c ON c.id = i.component_id WHERE c.order_ref = '302-2222222-2222222' AND c.component = 'PRINCIPAL' GROUP BY i.match_id`);
    expect(principal.items).toEqual(['EXPECTED:5100', 'REPORTED:100', 'REPORTED:5000']);
  });

  it('runs two matchings at once without a clash: each order is matched by one of them, once', async () => {
    const lines = ['11888888888\t01.05.2026 00:00:00 UTC\t14.05.2026 00:00:00 UTC\t16.05.2026 00:00:00 UTC\t80,00\tEUR\t\t\t\t\t'];
    for (let n = 0; n < 8; n++) {
      const id = `302-4444444-000000${n}`;
      await order(id, { subtotal: 1000 });
      lines.push(`11888888888\t\t\t\t\tEUR\tOrder\t${id}\tItemPrice\tPrincipal\t10,00`);
    }
    await report('concurrent.tsv', [HEADER, ...lines, ''].join('\n'));
    const runs = await Promise.all([match(), match()]);
    expect(runs[0].matched + runs[1].matched).toBe(8);
    expect(runs[0].expectedAdded + runs[1].expectedAdded).toBe(8);
    const [{ items, consumed }] = await db.query(`SELECT count(*)::int AS items, count(DISTINCT i.component_id)::int AS consumed FROM settlement_match_items i
      JOIN settlement_components c ON c.id = i.component_id WHERE c.order_ref LIKE '302-4444444-%'`);
    expect({ items, consumed }).toEqual({ items: 16, consumed: 16 });
  });
});
