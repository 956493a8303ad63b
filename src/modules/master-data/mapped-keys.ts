import type { DataSource, QueryRunner } from 'typeorm';
import type { MappingGroup } from './mapping-cache.js';
import { DEFAULT_CUSTOMER } from './mapping-kinds.js';
import type { UnmappedKey } from './order-mapping-keys.js';

/** A transaction's runner, or the data source for a read outside one. */
type Queryable = Pick<DataSource, 'query'> | Pick<QueryRunner, 'query'>;

/**
 * The positions (1-based) of the keys a current mapping answers as the resolver asks: its
 * value, or the account's default customer for a customer; for its account or every
 * account; for every ERP target. One index lookup per key under LIMIT 1; the alternatives
 * are one multi-key index condition (= ANY), never an OR.
 */
export const MAPPED_KEYS = `
  SELECT k.i
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS k(kind, channel, account, source_value, i)
   CROSS JOIN LATERAL (
     SELECT 1 FROM mappings m
      WHERE m.kind = k.kind AND m.channel = k.channel
        AND m.source_value = ANY (ARRAY[k.source_value, CASE WHEN k.kind = 'CUSTOMER' THEN '${DEFAULT_CUSTOMER}' END])
        AND coalesce(m.account, '') = ANY (ARRAY['', k.account])
        AND coalesce(m.erp_target, '') = '' AND m.valid_to IS NULL AND NOT m.retired
      LIMIT 1) m`;

/**
 * The live mappings begun after an instant, as the groups they touch, and the database's
 * clock. A minute of margin: a version's valid_from is taken inside its transaction, so it
 * can become visible after a later instant was already read.
 */
export const CHANGED_SINCE = `
  SELECT statement_timestamp()::text AS at,
         (SELECT coalesce(json_agg(c), '[]') FROM (
            SELECT DISTINCT kind, channel, source_value AS "sourceValue" FROM mappings
             WHERE valid_to IS NULL AND NOT retired AND valid_from > $1::timestamptz - interval '1 minute'
             LIMIT $2) c) AS groups`;

/** For each key, whether a current mapping now answers it (in the caller's transaction). */
export async function mappedKeys(runner: Pick<QueryRunner, 'query'>, keys: readonly UnmappedKey[]): Promise<boolean[]> {
  if (keys.length === 0) return [];
  const rows: { i: string | number }[] = await runner.query(MAPPED_KEYS, [
    keys.map((k) => k.kind), keys.map((k) => k.channel), keys.map((k) => k.account), keys.map((k) => k.sourceValue),
  ]);
  const mapped = new Set(rows.map((r) => Number(r.i)));
  return keys.map((_, index) => mapped.has(index + 1));
}

/**
 * The groups of live mappings begun after `since` (null: none asked), at most `limit`
 * of them, and the database's clock when asked; more than `limit` answers null.
 */
export async function mappingsChangedSince(runner: Queryable, since: string | null, limit: number): Promise<{ at: string; groups: MappingGroup[] | null }> {
  const rows: { at: string; groups: MappingGroup[] | string }[] = await runner.query(CHANGED_SINCE, [since ?? 'infinity', limit + 1]);
  const groups = typeof rows[0].groups === 'string' ? (JSON.parse(rows[0].groups) as MappingGroup[]) : rows[0].groups;
  return { at: rows[0].at, groups: since === null || groups.length > limit ? null : groups };
}
