import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { createEmbeddedDriver } from './embedded-pool.js';

/**
 * PostgreSQL when DATABASE_URL is set; otherwise the embedded PGlite database under
 * DATA_DIR. The same reviewed migrations run at start-up on both (see run-migrations.ts);
 * never synchronize.
 */
export function databaseOptions(config: AppConfig, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations: MIGRATIONS,
    // Run by runMigrationsLocked at start-up, under an advisory lock.
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.databaseUrl) {
    return { ...common, url: config.databaseUrl, extra: { max: 20, application_name: `retail-sync-hub:${config.role}` } };
  }
  return { ...common, driver: createEmbeddedDriver({ dataDir: config.dataDir }), extra: { max: 1 } } as DataSourceOptions;
}
