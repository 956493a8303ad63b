import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)), 'utf8');

/** An ERP's own export, compared with what the hub posted there: drift the hub did not cause becomes breaks, and closes when the ERP agrees again. */
describe('POST /admin/settlements/erp-extracts', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-erp-extract-${randomUUID()}`;
  const orders: Record<string, string> = {};

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_erp_extract'), queuePrefix: prefix, role: 'api' });
    await hub.sql(`INSERT INTO erp_targets (id, variant, base_url, credentials, concurrency_cap) VALUES ('ns', 'netsuite', 'http://127.0.0.1:1', '{}', 1)`);
    // SO1005 was posted a week later: outside the extracts' days, so their silence about it says nothing.
    for (const [number, total, postedAt] of [
      ['SO1001', 6000, '2026-11-02T10:00:00Z'], ['SO1002', 123456, '2026-11-02T11:00:00Z'], ['SO1003', 4000, '2026-11-03T09:00:00Z'],
      ['SO1004', 1250, '2026-11-03T18:00:00Z'], ['SO1005', 777, '2026-11-10T09:00:00Z'],
    ] as const) {
      orders[number] = randomUUID();
      await hub.sql(`INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
          risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
        VALUES ($1, 'SHOPIFY', 'shop.myshopify.com', $2, $2, 'POSTED', 'USD', now(), now(), 'PAID', 'ACCEPT', 'COMPUTED', false, $3, 0, 0, 0, $3)`,
      [orders[number], number, total]);
      await hub.sql(`INSERT INTO postings (id, target_id, document_type, order_id, subject_type, subject_id, status, erp_internal_id, erp_document_number,
          correlation_id, posted_at, erp_total, erp_total_currency, expected_total, variance)
        VALUES ($1, 'ns', 'SALES_ORDER', $2, 'ORDER', $2, 'POSTED', $3, $4, 'c', $5, $6, 'USD', $6, 0)`,
      [randomUUID(), orders[number], `8${number.slice(2)}`, number, postedAt, total]);
    }
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const upload = (name: string, query = 'target=ns', key = ADMIN_KEY) => request(hub.app.getHttpServer())
    .post(`/admin/settlements/erp-extracts?${query}&fileName=${name}`).set('Authorization', `Bearer ${key}`).set('Content-Type', 'text/csv').send(fixture(name));
  const openBreaks = () => hub.sql<Json>(`SELECT category, break_key, amount, currency, channel, explanation FROM settlement_breaks
    WHERE break_key LIKE '%:ERP_EXTRACT:%' AND status <> 'RESOLVED' ORDER BY break_key`);

  it('opens MISSING_IN_ERP and AMOUNT_MISMATCH for documents deleted or changed in the ERP, and counts what the hub never posted', async () => {
    const response = await upload('netsuite-sales-extract-1.csv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'COMPARED', lines: 4, agreeing: 2, mismatched: 1, missing: 1, notFromHub: 1, closed: 0 });
    const breaks = await openBreaks();
    expect(breaks.map(({ explanation: _, ...rest }) => rest)).toEqual([
      { category: 'AMOUNT_MISMATCH', break_key: `AMOUNT_MISMATCH:ERP_EXTRACT:ns:${orders.SO1002}`, amount: '10000', currency: 'USD', channel: 'ERP:ns' },
      { category: 'MISSING_IN_ERP', break_key: `MISSING_IN_ERP:ERP_EXTRACT:ns:${orders.SO1003}`, amount: '4000', currency: 'USD', channel: 'ERP:ns' },
    ]);
    expect(breaks[0].explanation).toContain('lists document SO1002');
    expect(breaks[0].explanation).toContain('netsuite-sales-extract-1.csv:3');
    expect(breaks[1].explanation).toContain('no longer lists document SO1003');
    const [{ n }] = await hub.sql<Json>('SELECT count(*)::int AS n FROM settlement_erp_extract_lines');
    expect(n).toBe(4);
  });

  it('answers DUPLICATE for the same file again and changes nothing', async () => {
    const response = await upload('netsuite-sales-extract-1.csv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'DUPLICATE', lines: 4 });
    const [{ extracts, lines }] = await hub.sql<Json>(`SELECT (SELECT count(*) FROM settlement_erp_extracts)::int AS extracts,
      (SELECT count(*) FROM settlement_erp_extract_lines)::int AS lines`);
    expect({ extracts, lines }).toEqual({ extracts: 1, lines: 4 });
    expect(await openBreaks()).toHaveLength(2);
  });

  it('closes both breaks, audited, once a later extract agrees with the hub', async () => {
    const response = await upload('netsuite-sales-extract-2.csv');
    expect(response.body).toMatchObject({ status: 'COMPARED', lines: 4, agreeing: 4, mismatched: 0, missing: 0, notFromHub: 0, closed: 2 });
    expect(await openBreaks()).toEqual([]);
    const actions = await hub.sql<Json>(`SELECT a.action, a.actor FROM settlement_break_actions a JOIN settlement_breaks b ON b.id = a.break_id
      WHERE b.break_key LIKE '%:ERP_EXTRACT:%'`);
    expect(actions).toEqual([{ action: 'AUTO_CLOSE', actor: 'matcher' }, { action: 'AUTO_CLOSE', actor: 'matcher' }]);
  });

  it('refuses what it cannot read with the field at fault, and a reader key', async () => {
    const bad = await request(hub.app.getHttpServer()).post('/admin/settlements/erp-extracts?target=ns&fileName=bad.csv')
      .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/csv')
      .send('"Document Number","Type","Date","Amount","Currency"\n"SO1","Sales Order","11/02/2026","12.3x","USD"\n');
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'REPORT_INVALID', field: 'Amount' });
    const noTarget = await upload('netsuite-sales-extract-2.csv', 'dateFormat=MM/DD/YYYY');
    expect(noTarget.status).toBe(400);
    expect(noTarget.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'target' });
    expect((await upload('netsuite-sales-extract-2.csv', 'target=ns', READER_KEY)).status).toBe(403);
    const [{ n }] = await hub.sql<Json>('SELECT count(*)::int AS n FROM settlement_erp_extracts');
    expect(n).toBe(2);
  });
});
