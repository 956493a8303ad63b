import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)), 'utf8');

/**
 * Breaks raised by rules rather than by order matching: a fee the provider documents it never
 * charges, one provider transaction in two payouts, a payout whose bank line never came right.
 */
describe('UNEXPECTED_FEE, DUPLICATE and PAYOUT_MISMATCH breaks', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-break-rules-${randomUUID()}`;
  const bankQuery = 'format=BANK_CSV&bankAccount=CA01&date=Date&amount=Amount&currency=Currency&reference=Reference&description=Description';

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_break_rules'), queuePrefix: prefix, role: 'api' });
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const upload = (query: string, body: string, type = 'text/plain') => request(hub.app.getHttpServer())
    .post(`/admin/settlements/imports?${query}`).set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', type).send(body);
  const payout = (id: string) => upload(`format=SHOPIFY_PAYMENTS&fileName=shopify-payments-payout-${id}.jsonl`, fixture(`shopify-payments-payout-${id}.jsonl`));
  const match = async () => (await request(hub.app.getHttpServer()).post('/admin/settlements/match').set('Authorization', `Bearer ${ADMIN_KEY}`)).body as Json;
  const breaks = (category: string) => hub.sql<Json>(
    `SELECT amount, currency, status, explanation FROM settlement_breaks WHERE category = $1 ORDER BY id`, [category]);

  it('flags a fee charged on a refund, which Shopify Payments only ever gives back, with its exact amount', async () => {
    const response = await payout('623721870');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('IMPORTED');
    expect(response.body.breaks).toEqual([{
      category: 'UNEXPECTED_FEE', amount: '-30', currency: 'CAD',
      explanation: 'SHOPIFY_PAYMENTS line shopify-payments-payout-623721870.jsonl:3:gid://shopify/ShopifyPaymentsBalanceTransaction/9102 charges a fee of 30 minor units '
        + 'of CAD on "REFUND|REFUND||fee": Shopify Payments gives fees back on refunds and dispute reversals and charges none on them',
    }]);
  });

  it('flags a balance transaction a second payout carries again, each of its lines, naming where it was first reported', async () => {
    const response = await payout('623721871');
    expect(response.body.status).toBe('IMPORTED');
    expect(response.body.breaks.map((b: Json) => [b.category, b.amount])).toEqual([['DUPLICATE', '5000'], ['DUPLICATE', '-175']]);
    expect(response.body.breaks[0].explanation).toBe(
      'SHOPIFY_PAYMENTS line shopify-payments-payout-623721871.jsonl:2:gid://shopify/ShopifyPaymentsBalanceTransaction/9101 reports provider transaction '
      + 'gid://shopify/ShopifyPaymentsBalanceTransaction/9101 ("CHARGE|CHARGE|", 5000 minor units of CAD) that '
      + 'shopify-payments-payout-623721870.jsonl:2:gid://shopify/ShopifyPaymentsBalanceTransaction/9101 already reported in payout 623721870');
    // The other charge of that payout is its own transaction: no break.
    expect(await hub.sql<Json>(`SELECT count(*)::int AS n FROM settlement_breaks WHERE category = 'DUPLICATE'`)).toEqual([{ n: 2 }]);
  });

  it('flags a payout whose bank line differs, or never came, once its bank window has passed; a corrected line closes it', async () => {
    const statement = 'Date,Amount,Currency,Reference,Description\n2026-03-11,27.90,CAD,SHOPIFY 623721870,SHOPIFY PAYMENTS PAYOUT\n';
    expect((await upload(`${bankQuery}&fileName=bank-CA01-0311.csv`, statement, 'text/csv')).body.status).toBe('IMPORTED');
    const first = await match();
    expect(first.payouts.matched).toBe(0);
    expect(first.payoutMismatches).toEqual({ open: 2, closed: 0 });
    expect(await breaks('PAYOUT_MISMATCH')).toEqual([
      expect.objectContaining({ amount: '-5', currency: 'CAD', status: 'OPEN',
        explanation: 'payout 623721870 (SHOPIFY) of 2795 minor units of CAD: the bank line naming it (bank-CA01-0311.csv:2) is 2790, a difference of -5' }),
      expect.objectContaining({ amount: '-7708', currency: 'CAD', status: 'OPEN',
        explanation: 'payout 623721871 (SHOPIFY) of 7708 minor units of CAD: no bank line of that amount within 3 business days' }),
    ]);
    expect((await match()).payoutMismatches).toEqual({ open: 2, closed: 0 });
    expect(await hub.sql<Json>(`SELECT count(*)::int AS n FROM settlement_breaks WHERE category = 'PAYOUT_MISMATCH'`)).toEqual([{ n: 2 }]);

    const corrected = 'Date,Amount,Currency,Reference,Description\n2026-03-11,27.95,CAD,SHOPIFY 623721870 CORRECTED,SHOPIFY PAYMENTS PAYOUT\n';
    expect((await upload(bankQuery, corrected, 'text/csv')).body.status).toBe('IMPORTED');
    const second = await match();
    expect(second.payouts.matched).toBe(1);
    expect(second.payoutMismatches).toEqual({ open: 1, closed: 1 });
    expect((await breaks('PAYOUT_MISMATCH')).map((b) => [b.amount, b.status])).toEqual([['-5', 'RESOLVED'], ['-7708', 'OPEN']]);
    const [action] = await hub.sql<Json>(`SELECT a.action, a.actor FROM settlement_break_actions a JOIN settlement_breaks b ON b.id = a.break_id
      WHERE b.category = 'PAYOUT_MISMATCH'`);
    expect(action).toEqual({ action: 'AUTO_CLOSE', actor: 'matcher' });
  });
});
