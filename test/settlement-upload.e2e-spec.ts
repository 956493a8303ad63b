import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { freshDatabase } from './support/test-database.js';
import { ADMIN_KEY, READER_KEY, dropQueueKeys, startHub, type TestHub } from './support/test-hub.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/settlements/${name}`, import.meta.url)));

/** Settlement reports uploaded over HTTP reach the importer as a stream and answer with what landed. */
describe('POST /admin/settlements/imports', () => {
  let hub: TestHub;
  const prefix = `e2e-settlement-upload-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('settlement_upload'), queuePrefix: prefix, role: 'api' });
  });
  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  const upload = (name: string, format = 'AMAZON_V2', key = ADMIN_KEY) => request(hub.app.getHttpServer())
    .post(`/admin/settlements/imports?format=${format}&fileName=${encodeURIComponent(name)}`)
    .set('Authorization', `Bearer ${key}`).set('Content-Type', 'text/tab-separated-values').send(fixture(name));
  const count = async (sql: string) => (await hub.sql<{ n: number }>(sql))[0].n;

  it('imports an Amazon V2 report sent as the body, every line with its lineage and exact amount', async () => {
    const response = await upload('amazon-v2-settlement-1.tsv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'IMPORTED', reportId: '11811111111', lines: 10, difference: '0', breaks: [] });
    const [line] = await hub.sql<Json>(`SELECT component, lineage, order_ref, amount FROM settlement_components
      WHERE import_id = $1 AND component = 'PRINCIPAL' ORDER BY id LIMIT 1`, [response.body.importId]);
    expect(line).toEqual({ component: 'PRINCIPAL', lineage: 'amazon-v2-settlement-1.tsv:3', order_ref: '302-1111111-1111111', amount: '119900' });
    const [{ total }] = await hub.sql<Json>(`SELECT sum(amount)::text AS total FROM settlement_components WHERE import_id = $1 AND component <> 'PAYOUT'`, [response.body.importId]);
    expect(total).toBe('119358');
    const [imported] = await hub.sql<Json>('SELECT file_hash, imported_by FROM settlement_imports WHERE id = $1', [response.body.importId]);
    expect(imported.file_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(imported.imported_by).toMatch(/^admin/);
  });

  it('answers DUPLICATE for the same file again and changes nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM settlement_components');
    const response = await upload('amazon-v2-settlement-1.tsv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'DUPLICATE', reportId: '11811111111' });
    expect(await count('SELECT count(*)::int AS n FROM settlement_components')).toBe(before);
    expect(await count('SELECT count(*)::int AS n FROM settlement_imports')).toBe(1);
  });

  it('imports a report sent twice at once exactly once; the other upload answers DUPLICATE', async () => {
    const answers = await Promise.all([upload('amazon-v2-settlement-2.tsv'), upload('amazon-v2-settlement-2.tsv')]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.map((answer) => answer.body.status).sort()).toEqual(['DUPLICATE', 'IMPORTED']);
    expect(new Set(answers.map((answer) => answer.body.importId)).size).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM settlement_imports')).toBe(2);
  });

  it('answers a failing control total with its break and the exact difference', async () => {
    const response = await upload('amazon-v2-control-total-failure.tsv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'CONTROL_TOTAL_FAILED', difference: '-1' });
    expect(response.body.breaks).toEqual([{
      category: 'CONTROL_TOTAL', amount: '-1', currency: 'EUR',
      explanation: 'AMAZON_V2 report 11833333333, control total (report): stated 17.01 EUR, its lines give 17.00 EUR, a difference of -0.01 EUR',
    }]);
  });

  it('refuses an unreadable report with 422 naming the column, and keeps nothing of it', async () => {
    const before = await count('SELECT count(*)::int AS n FROM settlement_components');
    const rows = fixture('amazon-v2-settlement-1.tsv').toString('utf8').split('\n');
    rows[4] = rows[4].replace('11811111111', '11811111112');
    const broken = rows.join('\n');
    const response = await request(hub.app.getHttpServer()).post('/admin/settlements/imports?format=AMAZON_V2&fileName=broken.tsv')
      .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/tab-separated-values').send(broken);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'REPORT_INVALID', field: 'settlement-id', message: 'broken.tsv:5: settlement-id: belongs to settlement 11811111112, not 11811111111' });
    expect(await count('SELECT count(*)::int AS n FROM settlement_components')).toBe(before);
  });

  it('refuses an unknown format and a reader key before reading anything', async () => {
    const unknown = await upload('amazon-v2-settlement-1.tsv', 'PAYPAL_DRR');
    expect({ status: unknown.status, code: unknown.body.code, field: unknown.body.field }).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'format' });
    const reader = await upload('amazon-v2-settlement-1.tsv', 'AMAZON_V2', READER_KEY);
    expect(reader.status).toBe(403);
  });

  it('takes a body over the 2 MiB limit of other routes, and refuses a declared length over 200 MiB', async () => {
    const big = fixture('amazon-v2-settlement-2.tsv').toString('utf8');
    const [header, summary, ...lines] = big.trimEnd().split('\n');
    // The lines repeated keep their sum; the summary's total is then wrong by design, which the answer reports.
    const body = [header, summary, ...Array.from({ length: Math.ceil(4 * 1024 * 1024 / big.length) }, () => lines).flat()].join('\n').replaceAll('11822222222', '11899999999');
    expect(Buffer.byteLength(body)).toBeGreaterThan(2 * 1024 * 1024);
    const response = await request(hub.app.getHttpServer()).post('/admin/settlements/imports?format=AMAZON_V2&fileName=big.tsv')
      .set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'text/tab-separated-values').send(body);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('CONTROL_TOTAL_FAILED');
    expect(await count(`SELECT count(*)::int AS n FROM settlement_components WHERE import_id = ${Number(response.body.importId)} AND component <> 'PAYOUT'`)).toBe(response.body.lines);

    const elsewhere = await request(hub.app.getHttpServer()).post('/admin/mappings').set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json').send(JSON.stringify({ note: 'x'.repeat(3 * 1024 * 1024) }));
    expect(elsewhere.status).toBe(413);

    const server = hub.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const call = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/admin/settlements/imports?format=AMAZON_V2', headers: {
        Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'text/tab-separated-values', 'Content-Length': String(300 * 1024 * 1024),
      } }, (answer) => { answer.resume(); resolve(answer.statusCode ?? 0); });
      call.on('error', reject);
      call.write('settlement-id\t');
    });
    expect(status).toBe(413);
  });
});
