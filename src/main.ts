import { ConfigError, loadConfig, type AppConfig } from './platform/config/app-config.js';
import { checkRedis } from './platform/queue/check-redis.js';

/** Each start-up failure is one line on stderr and exit code 1. */
function fail(message: string): never {
  process.stderr.write(`retail-sync-hub: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
    throw error;
  }
  try {
    await checkRedis(config.redisUrl);
  } catch (error) {
    fail((error as Error).message);
  }
  const { createApp } = await import('./bootstrap.js');
  const app = await createApp(config).catch((error: unknown) => fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`));
  // Workers listen too, for /health and /metrics; they register no webhook or GraphQL routes.
  await app.listen(config.port, config.host);
  const database = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.dataDir}`;
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `hub listening on http://localhost:${config.port}`, role: config.role, database })}\n`,
  );
}

void main();
