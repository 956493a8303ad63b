import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';

/**
 * A pg-compatible pool over one embedded PGlite database. PGlite is a single session, so
 * the pool leases it to one holder at a time: a transaction owns the session until it
 * releases it, and nothing else's statements can land inside it.
 */
class EmbeddedClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(sql: string, params?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<PgResult> {
    const cb = typeof params === 'function' ? params : callback;
    const values = Array.isArray(params) ? params : undefined;
    const run = values && values.length > 0 ? this.db.query(sql, values) : this.db.exec(sql).then((all) => all[all.length - 1] ?? { rows: [], fields: [] });
    return run.then(
      (result) => {
        const shaped = toPgResult(sql, result as PgliteResult);
        cb?.(null, shaped);
        return shaped;
      },
      (error: unknown) => {
        cb?.(error as Error, undefined);
        throw error;
      },
    );
  }
}

type QueryCallback = (error: Error | null, result: PgResult | undefined) => void;
interface PgliteResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}
interface PgResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  rowCount: number;
  command: string;
}

function toPgResult(sql: string, result: PgliteResult): PgResult {
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  const rowCount = result.affectedRows ?? result.rows.length;
  return { rows: result.rows, fields: result.fields, rowCount, command };
}

export interface EmbeddedPoolOptions {
  /** A folder, or `memory://` for a throwaway database. */
  dataDir: string;
}

let shared: { dataDir: string; db: Promise<PGlite> } | null = null;

function openDatabase(dataDir: string): Promise<PGlite> {
  if (shared && shared.dataDir === dataDir) return shared.db;
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // int8 and numeric come back as strings, as node-postgres gives them, so one code path serves both.
  const db = PGlite.create(dataDir, { parsers: { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v } });
  shared = { dataDir, db };
  return db;
}

export function createEmbeddedDriver(options: EmbeddedPoolOptions): { Pool: new () => EventEmitter } {
  class EmbeddedPool extends EventEmitter {
    private queue: (() => void)[] = [];
    private busy = false;

    connect(callback?: (error: Error | null, client?: EmbeddedClient, release?: (error?: unknown) => void) => void): Promise<unknown> {
      const leased = this.lease().then(
        ([client, release]) => {
          callback?.(null, client, release);
          return client;
        },
        (error: unknown) => {
          callback?.(error as Error);
          throw error;
        },
      );
      if (callback) leased.catch(() => undefined);
      return leased;
    }

    async query(sql: string, params?: unknown[]): Promise<PgResult> {
      const [client, release] = await this.lease();
      try {
        return await client.query(sql, params);
      } finally {
        release();
      }
    }

    end(callback?: (error?: Error | null) => void): Promise<void> {
      const closing = shared ? shared.db.then((db) => db.close()) : Promise.resolve();
      shared = null;
      return closing.then(
        () => callback?.(null),
        (error: unknown) => callback?.(error as Error),
      );
    }

    private async lease(): Promise<[EmbeddedClient, (error?: unknown) => void]> {
      const db = await openDatabase(options.dataDir);
      await new Promise<void>((resolve) => {
        if (!this.busy) {
          this.busy = true;
          resolve();
        } else {
          this.queue.push(resolve);
        }
      });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const next = this.queue.shift();
        if (next) next();
        else this.busy = false;
      };
      return [new EmbeddedClient(db), release];
    }
  }
  return { Pool: EmbeddedPool };
}
