// e2e tests need the machine's PostgreSQL and Redis; fail early with one clear line if either is down.
import net from 'node:net';

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

export default async function globalSetup() {
  // Workers inherit this; it names this run's databases (see test/support/test-database.ts).
  process.env.HUB_E2E_RUN = String(process.pid);
  const pg = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!(await reachable(pg.hostname, Number(pg.port || 5432)))) {
    throw new Error(`e2e tests need PostgreSQL at ${pg.host}; start it (see README) or set TEST_DATABASE_URL`);
  }
  if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) {
    throw new Error(`e2e tests need Redis at ${redis.host}; start it (see README) or set REDIS_URL`);
  }
}
