import type { DataSource } from 'typeorm';

/** Any fixed number; every hub process takes the same lock before migrating. */
const MIGRATION_LOCK = 7_311_420_001;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so API and worker
 * processes starting together on a fresh database migrate once, one after the other,
 * instead of racing on CREATE TABLE.
 */
export async function runMigrationsLocked(dataSource: DataSource, options: { lock: boolean }): Promise<void> {
  // The embedded database serves one process and has one session: nothing to race, and
  // holding that session for the lock would starve the migrations themselves.
  if (!options.lock) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
