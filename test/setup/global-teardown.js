// Drops the databases this test run created, so runs leave nothing behind.
import pg from 'pg';

export default async function globalTeardown() {
  const run = process.env.HUB_E2E_RUN;
  if (!run) return;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'hub\\_e2e\\_%' AND datname LIKE $1`, [`%\\_r${run}`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
