import { randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BankStatementCsvParser } from '../src/adapters/payments/bank-statement-csv.js';
import { importReport, sha256 } from '../src/modules/settlements/settlement-importer.js';
import { graphql } from './support/shopify-delivery.js';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const path = (name: string) => fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url));
const PAYOUTS = ['623721858', '623721859', '623721860', '623721861', '623721862'];

/**
 * Five Shopify Payments payouts in the Admin GraphQL shape and the bank account they reach:
 * a refund settled a payout after its charge, a chargeback with its fee won back a payout
 * later, a negative payout (a withdrawal), a payout the bank declined and the next payout
 * that carried it again; against the hub's orders, refunds and ERP postings.
 */
describe('Shopify Payments payouts reconciled three ways', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-shopify-${randomUUID()}`;
  const orderIds: Record<string, string> = {};
  let run: () => Promise<Json>;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_shopify'), queuePrefix: prefix, role: 'api' });
    // Order 5005 has shipping, tax and a discount: Shopify's charge is its grand total, 20.00.
    for (const [externalId, subtotal, discounts, shipping, tax] of [
      ['5001', 6000, 0, 0, 0], ['5002', 5000, 0, 0, 0], ['5003', 4000, 0, 0, 0], ['5004', 1250, 0, 0, 0], ['5005', 1600, 100, 300, 200],
    ] as const) {
      orderIds[externalId] = randomUUID();
      await hub.sql(`INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
          risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
        VALUES ($1, 'SHOPIFY', 'shop.myshopify.com', $2, $2, 'POSTED', 'CAD', now(), now(), 'PAID', 'ACCEPT', 'COMPUTED', false, $3, $4, $5, $6, $3::bigint - $4::bigint + $5::bigint + $6::bigint)`,
      [orderIds[externalId], externalId, subtotal, discounts, tax, shipping]);
    }
    // The ERP read back 51.00 for order 5002, which settled for 50.00; the other orders agree.
    await hub.sql(`INSERT INTO erp_targets (id, variant, base_url, credentials, concurrency_cap) VALUES ('ns', 'netsuite', 'http://127.0.0.1:1', '{}', 1)`);
    for (const [externalId, total] of [['5001', 6000], ['5002', 5100], ['5003', 4000], ['5004', 1250], ['5005', 2000]] as const) {
      const expected = externalId === '5002' ? 5000 : total;
      await hub.sql(`INSERT INTO postings (id, target_id, document_type, order_id, subject_type, subject_id, status, erp_internal_id, correlation_id,
          posted_at, erp_total, erp_total_currency, expected_total, variance)
        VALUES ($1, 'ns', 'SALES_ORDER', $2, 'ORDER', $2, 'POSTED', $3, 'c', now(), $4, 'CAD', $5, $6)`,
      [randomUUID(), orderIds[externalId], `SO-${externalId}`, total, expected, total - expected]);
    }
    // Refund 9101 of order 5001 (money moved on 13 March) and refund 9300 of order 5003, which no payout carries.
    const [{ id: caseId }] = await hub.sql<{ id: string }>(`INSERT INTO return_cases (channel, account, order_external_id, status) VALUES ('SHOPIFY', 'shop.myshopify.com', '5001', 'COMPLETED') RETURNING id`);
    for (const [externalId, tx, total, at] of [['9101', '7101', 2500, '2026-03-13T12:00:00Z'], ['9300', '7300', 1000, '2026-03-02T12:00:00Z']] as const) {
      const [{ id }] = await hub.sql<{ id: string }>(`INSERT INTO return_refunds (case_id, channel, account, external_id, state, currency_code, total, processed_at)
        VALUES ($1, 'SHOPIFY', 'shop.myshopify.com', $2, 'CREDITED', 'CAD', $3, $4) RETURNING id`, [caseId, externalId, total, at]);
      await hub.sql(`INSERT INTO return_refund_transactions (refund_id, external_id, tender, gateway, status, currency_code, amount)
        VALUES ($1, $2, 'ORIGINAL_PAYMENT', 'shopify_payments', 'SUCCESS', 'CAD', $3)`, [id, tx, total]);
    }
    for (const payout of PAYOUTS) {
      const name = `shopify-payments-payout-${payout}.jsonl`;
      const res = await request(hub.app.getHttpServer()).post(`/admin/settlements/imports?format=SHOPIFY_PAYMENTS&fileName=${name}`)
        .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/x-ndjson').send(readFileSync(path(name), 'utf8'));
      expect(res.body).toMatchObject({ status: 'IMPORTED', reportId: payout, difference: '0' });
    }
    const name = 'bank-statement-ca.csv';
    const fileHash = sha256(readFileSync(path(name)));
    const bank = await importReport(hub.app.get(DataSource), {
      parser: new BankStatementCsvParser({ fileName: name, channel: 'BANK:CA01', fileHash }, {
        date: 'Date', amount: 'Amount', currency: 'Currency', reference: 'Reference', description: 'Description', dateFormat: 'YYYY-MM-DD', decimal: '.',
      }),
      input: createReadStream(path(name)), channel: 'BANK:CA01', fileHash, importedBy: 'op',
    });
    expect(bank.status).toBe('IMPORTED');
    run = async () => {
      const res = await request(hub.app.getHttpServer()).post('/admin/settlements/match').set('Authorization', `Bearer ${ADMIN_KEY}`);
      expect(res.status).toBe(200);
      return res.body as Json;
    };
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const openBreaks = (category: string) => hub.sql<Json>(
    `SELECT break_key, amount, currency, channel, explanation FROM settlement_breaks WHERE category = $1 AND status <> 'RESOLVED' ORDER BY break_key`, [category]);

  it('matches every payout to its bank line, the negative one included; a declined payout to the payout that carried it again', async () => {
    const first = await run();
    expect(first.payouts).toEqual({ matched: 4, ambiguous: 0 });
    expect(first.retried).toBe(1);
    const pairs = await hub.sql<Json>(`
      SELECT m.rule, array_agg(c.component || ':' || coalesce(c.payout_ref, c.transaction_ref) || ':' || c.amount ORDER BY c.component) AS items
      FROM settlement_matches m JOIN settlement_match_items i ON i.match_id = m.id JOIN settlement_components c ON c.id = i.component_id
      WHERE m.kind = 'PAYOUT_BANK' GROUP BY m.id, m.rule ORDER BY m.id`);
    expect(pairs).toEqual([
      { rule: 'payout-retried-in-later-payout', items: ['ADJUSTMENT:623721862:1200', 'PAYOUT:623721861:1200'] },
      { rule: 'payout-bank-exact-amount', items: ['BANK_DEPOSIT:SHOPIFY 623721858:8181', 'PAYOUT:623721858:8181'] },
      { rule: 'payout-bank-exact-amount', items: ['BANK_DEPOSIT:SHOPIFY 623721859:-5146', 'PAYOUT:623721859:-5146'] },
      { rule: 'payout-bank-exact-amount', items: ['BANK_DEPOSIT:SHOPIFY 623721860:6500', 'PAYOUT:623721860:6500'] },
      { rule: 'payout-bank-exact-amount', items: ['BANK_DEPOSIT:SHOPIFY 623721862:3112', 'PAYOUT:623721862:3112'] },
    ]);
  });

  it('settles refund 9101 in a later payout than its charge and tells returns; refund 9300 with no line is REFUND_NOT_SETTLED', async () => {
    const refunds = await hub.sql<Json>(`SELECT external_id, state, settlement_ref, settled_at FROM return_refunds ORDER BY external_id`);
    expect(refunds).toEqual([
      { external_id: '9101', state: 'SETTLED', settlement_ref: '623721859', settled_at: new Date('2026-03-17T00:00:00Z') },
      { external_id: '9300', state: 'CREDITED', settlement_ref: null, settled_at: null },
    ]);
    const [match] = await hub.sql<Json>(`
      SELECT array_agg(c.side || ':' || c.amount ORDER BY c.side) AS items FROM settlement_matches m
      JOIN settlement_match_items i ON i.match_id = m.id JOIN settlement_components c ON c.id = i.component_id WHERE m.kind = 'REFUND' GROUP BY m.id`);
    expect(match.items).toEqual(['EXPECTED:-2500', 'REPORTED:-2500']);
    expect(await openBreaks('REFUND_NOT_SETTLED')).toEqual([expect.objectContaining({
      break_key: 'REFUND_NOT_SETTLED:REFUND:SHOPIFY:9300', amount: '-1000', currency: 'CAD',
      explanation: 'refund 9300 (SHOPIFY) of 1000 minor units of CAD moved on 2026-03-02, over 7 days ago, and no report has settled it',
    })]);

    const { data, errors } = (await graphql(hub.app, READER_KEY, `query($id: ID!) { order(id: $id) { settlement {
      settled { component amount { amount } payoutRef } payouts { payoutRef bankLines { amount { amount } } } erp { target erpTotal { amount } } } } }`,
    { id: orderIds['5001'] })).body as Json;
    expect(errors).toBeUndefined();
    expect(data.order.settlement.settled.map((l: Json) => `${l.payoutRef}:${l.component}:${l.amount.amount}`)).toEqual([
      '623721858:PRINCIPAL:60.00', '623721858:FEE:-1.94', '623721859:REFUND:-25.00',
    ]);
    expect(data.order.settlement.payouts).toEqual([
      { payoutRef: '623721858', bankLines: [{ amount: { amount: '81.81' } }] }, { payoutRef: '623721859', bankLines: [{ amount: { amount: '-51.46' } }] },
    ]);
    expect(data.order.settlement.erp).toEqual([{ target: 'ns', erpTotal: { amount: '60.00' } }]);
  });

  it('matches each Shopify charge against its order\'s grand total, the parts together', async () => {
    const [match] = await hub.sql<Json>(`
      SELECT array_agg(c.side || ':' || c.component || ':' || c.amount ORDER BY c.side, c.component) AS items FROM settlement_matches m
      JOIN settlement_match_items i ON i.match_id = m.id JOIN settlement_components c ON c.id = i.component_id
      WHERE m.kind = 'ORDER_LINE' AND c.order_ref = '5005' GROUP BY m.id`);
    expect(match.items).toEqual(['EXPECTED:DISCOUNT:-100', 'EXPECTED:PRINCIPAL:1600', 'EXPECTED:SHIPPING:300', 'EXPECTED:TAX:200', 'REPORTED:PRINCIPAL:2000']);
    const [{ n }] = await hub.sql<Json>(`SELECT count(*)::int AS n FROM settlement_breaks WHERE break_key LIKE '%:ORDER:SHOPIFY:%' AND status <> 'RESOLVED'`);
    expect(n).toBe(0);
  });

  it('keeps a chargeback, its fee and their reversal a payout later as lines that net to zero', async () => {
    const lines = await hub.sql<Json>(`SELECT payout_ref, component, amount FROM settlement_components
      WHERE order_ref = '5002' AND component IN ('CHARGEBACK', 'CHARGEBACK_FEE') ORDER BY id`);
    expect(lines).toEqual([
      { payout_ref: '623721859', component: 'CHARGEBACK', amount: '-5000' }, { payout_ref: '623721859', component: 'CHARGEBACK_FEE', amount: '-1500' },
      { payout_ref: '623721860', component: 'CHARGEBACK', amount: '5000' }, { payout_ref: '623721860', component: 'CHARGEBACK_FEE', amount: '1500' },
    ]);
  });

  it('breaks an order whose ERP total differs from what was settled, by the exact amount', async () => {
    expect(await openBreaks('AMOUNT_MISMATCH')).toEqual([{
      break_key: `AMOUNT_MISMATCH:ERP:ns:${orderIds['5002']}`, amount: '-100', currency: 'CAD', channel: 'SHOPIFY',
      explanation: 'order 5002 (SHOPIFY): the reports settled 5000 minor units of CAD, ERP target ns holds 5100, a difference of -100',
    }]);
    expect(await openBreaks('MISSING_IN_ERP')).toEqual([]);
  });

  it('breaks an unmapped fee type with its exact sum, lists it on the worklist, and closes it once mapped', async () => {
    const fees = await openBreaks('UNKNOWN_FEE_TYPE');
    // The shipping label (a balance transaction type the hub does not know) was a break from its import on; the fee types are breaks of matching.
    expect(fees.map((f) => `${f.break_key}=${f.amount}`)).toEqual([
      expect.stringMatching(/^UNKNOWN_FEE_TYPE:\d+=-500$/),
      'UNKNOWN_FEE_TYPE:FEE:SHOPIFY:SHOPIFY_PAYMENTS_CHARGE_FEE:CAD=-633', 'UNKNOWN_FEE_TYPE:FEE:SHOPIFY:SHOPIFY_PAYMENTS_REFUND_FEE:CAD=30',
    ]);
    const worklist = async () => ((await graphql(hub.app, READER_KEY, '{ unmappedValues { kind channel sourceValue orderCount } }')).body as Json).data.unmappedValues;
    expect(await worklist()).toEqual([
      { kind: 'FEE_TYPE', channel: 'SHOPIFY', sourceValue: 'SHOPIFY_PAYMENTS_CHARGE_FEE', orderCount: 0 },
      { kind: 'FEE_TYPE', channel: 'SHOPIFY', sourceValue: 'SHOPIFY_PAYMENTS_REFUND_FEE', orderCount: 0 },
    ]);
    const mapped = await request(hub.app.getHttpServer()).post('/admin/mappings').set('Authorization', `Bearer ${ADMIN_KEY}`).send({
      kind: 'FEE_TYPE', channel: 'SHOPIFY', sourceValue: 'SHOPIFY_PAYMENTS_CHARGE_FEE', target: { glAccount: '6100' }, note: 'Shopify card fees',
    });
    expect(mapped.status).toBe(201);
    expect((await run()).feeTypes).toEqual({ unmapped: 1, closed: 1 });
    expect((await openBreaks('UNKNOWN_FEE_TYPE')).map((f) => f.break_key).filter((k) => k.includes(':FEE:'))).toEqual(['UNKNOWN_FEE_TYPE:FEE:SHOPIFY:SHOPIFY_PAYMENTS_REFUND_FEE:CAD']);
    const [closed] = await hub.sql<Json>(`SELECT b.status, b.status_by, a.action FROM settlement_breaks b JOIN settlement_break_actions a ON a.break_id = b.id
      WHERE b.break_key = 'UNKNOWN_FEE_TYPE:FEE:SHOPIFY:SHOPIFY_PAYMENTS_CHARGE_FEE:CAD'`);
    expect(closed).toEqual({ status: 'RESOLVED', status_by: 'matcher', action: 'AUTO_CLOSE' });
    expect((await worklist()).map((w: Json) => w.sourceValue)).toEqual(['SHOPIFY_PAYMENTS_REFUND_FEE']);
  });

  it('exposes open breaks by category and age, and unmatched amounts per channel, as metrics', async () => {
    const res = await request(hub.app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.text).toContain('hub_settlement_breaks_open{category="REFUND_NOT_SETTLED",age="0-7d"} 1');
    expect(res.text).toContain('hub_settlement_breaks_open{category="AMOUNT_MISMATCH",age="0-7d"} 1');
    // Only refund 4990's line is left: the hub holds no such refund.
    expect(res.text).toContain('hub_settlement_unmatched_minor_units{channel="SHOPIFY",currency="CAD"} -2000');
    expect(res.text).not.toContain('hub_settlement_unmatched_minor_units{channel="BANK:CA01"');
  });

  it('changes nothing when matching runs again on the same data', async () => {
    const count = async () => (await hub.sql<Json>(`SELECT (SELECT count(*) FROM settlement_matches)::int AS m, (SELECT count(*) FROM settlement_breaks)::int AS b,
      (SELECT count(*) FROM settlement_components)::int AS c`))[0];
    const before = await count();
    await run();
    expect(await count()).toEqual(before);
  });
});
