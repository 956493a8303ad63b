import pg from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * One database per jest worker, made fresh for each spec file that asks for it. The run id
 * (set by globalSetup) keeps two test runs on one machine out of each other's databases;
 * globalTeardown drops this run's databases.
 */
export async function freshDatabase(label: string): Promise<string> {
  const run = process.env.HUB_E2E_RUN ?? String(process.pid);
  const name = `hub_e2e_${label}_w${process.env.JEST_WORKER_ID ?? '0'}_r${run}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
