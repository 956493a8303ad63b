import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { DEFAULT_CUSTOMER, type MappingKind, type MappingTarget } from './mapping-kinds.js';

/**
 * The SQL of the mappings table, by hand (ADR 0004): a fixed number of statements
 * whatever the number of rows, arrays passed column-wise and unnested.
 * @since 0.2.0
 */
export interface MappingVersion {
  readonly id: string;
  /** Stable across the versions of one mapping. */
  readonly mappingKey: string;
  readonly kind: MappingKind;
  readonly channel: string;
  readonly account: string | null;
  readonly erpTarget: string | null;
  readonly sourceValue: string;
  readonly target: MappingTarget;
  readonly version: number;
  readonly validFrom: Date;
  readonly validTo: Date | null;
  readonly retired: boolean;
  readonly changedBy: string;
  readonly note: string;
  readonly createdAt: Date;
}

/** What identifies a mapping among the current ones. */
export interface MappingIdentity {
  readonly kind: MappingKind;
  readonly channel: string;
  readonly account: string | null;
  readonly erpTarget: string | null;
  readonly sourceValue: string;
}

/** A version to write: the identity, what it maps to, and the version it follows (if any). */
export interface NextVersion extends MappingIdentity {
  readonly mappingKey: string | null;
  readonly version: number;
  readonly target: MappingTarget;
  readonly retired: boolean;
  readonly note: string;
}

export interface MappingFilter {
  readonly kind?: MappingKind;
  readonly channel?: string;
  readonly account?: string;
  readonly erpTarget?: string;
  readonly sourceValuePrefix?: string;
  readonly includeRetired?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

/** A key to resolve, already normalised. */
export type ResolveRow = MappingIdentity;

type Queryable = Pick<DataSource, 'query'> | Pick<QueryRunner, 'query'>;

const COLUMNS = `id, mapping_key, kind, channel, account, erp_target, source_value, target, version,
  valid_from, valid_to, retired, changed_by, note, created_at`;

export function toVersion(r: Record<string, unknown>): MappingVersion {
  return {
    id: r.id as string,
    mappingKey: r.mapping_key as string,
    kind: r.kind as MappingKind,
    channel: r.channel as string,
    account: (r.account as string | null) ?? null,
    erpTarget: (r.erp_target as string | null) ?? null,
    sourceValue: r.source_value as string,
    target: Object.freeze({ ...(typeof r.target === 'string' ? JSON.parse(r.target) : r.target) }) as MappingTarget,
    version: Number(r.version),
    validFrom: new Date(r.valid_from as string | Date),
    validTo: r.valid_to === null || r.valid_to === undefined ? null : new Date(r.valid_to as string | Date),
    retired: r.retired === true,
    changedBy: r.changed_by as string,
    note: r.note as string,
    createdAt: new Date(r.created_at as string | Date),
  };
}

function identityArrays(rows: readonly MappingIdentity[]): unknown[] {
  return [
    rows.map((r) => r.kind), rows.map((r) => r.channel), rows.map((r) => r.account ?? ''),
    rows.map((r) => r.erpTarget ?? ''), rows.map((r) => r.sourceValue),
  ];
}

export class MappingStore {
  constructor(private readonly db: Queryable) {}

  /** The current versions (retired ones included) of these identities, locked for the caller's transaction. */
  async lockCurrent(identities: readonly MappingIdentity[]): Promise<MappingVersion[]> {
    if (identities.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM mappings
        WHERE valid_to IS NULL
          AND (kind, channel, source_value, coalesce(account, ''), coalesce(erp_target, '')) IN (
            SELECT u.kind, u.channel, u.source_value, u.account, u.erp_target
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(kind, channel, account, erp_target, source_value))
        ORDER BY id
        FOR UPDATE`,
      identityArrays(identities),
    );
    return rows.map(toVersion);
  }

  async lockCurrentByKey(mappingKey: string): Promise<MappingVersion | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM mappings WHERE mapping_key = $1 AND valid_to IS NULL FOR UPDATE`,
      [mappingKey],
    );
    return rows.length ? toVersion(rows[0]) : null;
  }

  /**
   * One instant for every version a transaction closes and opens, taken after its locks,
   * so a version ends exactly where the next begins. Kept as text: a JavaScript Date would
   * drop the microseconds and leave a gap or an overlap.
   */
  async now(): Promise<string> {
    const rows: { at: string }[] = await this.db.query('SELECT clock_timestamp()::text AS at');
    return rows[0].at;
  }

  async close(ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query('UPDATE mappings SET valid_to = $2::timestamptz WHERE id = ANY($1::uuid[]) AND valid_to IS NULL', [ids, at]);
  }

  /** Inserts versions in one statement; a version without a key starts a new mapping. */
  async insert(versions: readonly NextVersion[], changedBy: string, at: string): Promise<MappingVersion[]> {
    if (versions.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.db.query(
      `INSERT INTO mappings (id, mapping_key, kind, channel, account, erp_target, source_value, target, version,
                             valid_from, retired, changed_by, note)
       SELECT u.id, u.mapping_key, u.kind, u.channel, u.account, u.erp_target, u.source_value, u.target::jsonb, u.version,
              $12::timestamptz, u.retired, $13, u.note
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::int[], $10::boolean[], $11::text[])
           AS u(id, mapping_key, kind, channel, account, erp_target, source_value, target, version, retired, note)
       RETURNING ${COLUMNS}`,
      [
        versions.map(() => randomUUID()),
        versions.map((v) => v.mappingKey ?? randomUUID()),
        versions.map((v) => v.kind),
        versions.map((v) => v.channel),
        versions.map((v) => v.account),
        versions.map((v) => v.erpTarget),
        versions.map((v) => v.sourceValue),
        versions.map((v) => JSON.stringify(v.target)),
        versions.map((v) => v.version),
        versions.map((v) => v.retired),
        versions.map((v) => v.note),
        at,
        changedBy,
      ],
    );
    return rows.map(toVersion);
  }

  /** Current mappings by filter, in a stable order (retired ones only when asked). */
  async list(filter: MappingFilter): Promise<MappingVersion[]> {
    const where = ['valid_to IS NULL'];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (!filter.includeRetired) where.push('NOT retired');
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.channel) add('channel = ?', filter.channel);
    // '' asks for the rows scoped to every account / target, a value for that exact scope.
    if (filter.account !== undefined) add(filter.account === '' ? "coalesce(account, '') = ?" : 'account = ?', filter.account);
    if (filter.erpTarget !== undefined) add(filter.erpTarget === '' ? "coalesce(erp_target, '') = ?" : 'erp_target = ?', filter.erpTarget);
    if (filter.sourceValuePrefix) add('starts_with(source_value, ?)', filter.sourceValuePrefix);
    params.push(filter.limit ?? null, filter.offset ?? 0);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM mappings WHERE ${where.join(' AND ')}
        ORDER BY kind, channel, source_value, account NULLS FIRST, erp_target NULLS FIRST, mapping_key
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toVersion);
  }

  async history(mappingKey: string): Promise<MappingVersion[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM mappings WHERE mapping_key = $1 ORDER BY version`,
      [mappingKey],
    );
    return rows.map(toVersion);
  }

  /**
   * Resolves every key in one statement: for each, the best live row by precedence —
   * exact source value before the default customer ('*', CUSTOMER only), then exact
   * account before every account, then exact ERP target before every target. Retired
   * versions never resolve, so retiring an override falls back to the broader mapping.
   * `asOf` null: the current versions; otherwise the versions valid at that instant.
   */
  async resolve(keys: readonly ResolveRow[], asOf: Date | null): Promise<(MappingTarget | null)[]> {
    if (keys.length === 0) return [];
    const period = asOf === null
      ? 'm.valid_to IS NULL'
      : 'm.valid_from <= $6::timestamptz AND (m.valid_to IS NULL OR m.valid_to > $6::timestamptz)';
    const rows: { i: string | number; target: unknown }[] = await this.db.query(
      `SELECT k.i, m.target
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
              WITH ORDINALITY AS k(kind, channel, account, erp_target, source_value, i)
         LEFT JOIN LATERAL (
           SELECT m.target FROM mappings m
            WHERE m.kind = k.kind AND m.channel = k.channel
              AND m.source_value IN (k.source_value, CASE WHEN k.kind = 'CUSTOMER' THEN '${DEFAULT_CUSTOMER}' END)
              AND (m.account IS NULL OR m.account = k.account)
              AND (m.erp_target IS NULL OR m.erp_target = k.erp_target)
              AND NOT m.retired AND ${period}
            ORDER BY m.source_value = '${DEFAULT_CUSTOMER}' AND k.source_value <> '${DEFAULT_CUSTOMER}',
                     m.account IS NULL, m.erp_target IS NULL
            LIMIT 1) m ON true`,
      [
        keys.map((k) => k.kind), keys.map((k) => k.channel), keys.map((k) => k.account),
        keys.map((k) => k.erpTarget), keys.map((k) => k.sourceValue), ...(asOf === null ? [] : [asOf]),
      ],
    );
    const out: (MappingTarget | null)[] = keys.map(() => null);
    for (const r of rows) {
      if (r.target === null || r.target === undefined) continue;
      const target = typeof r.target === 'string' ? JSON.parse(r.target) : r.target;
      out[Number(r.i) - 1] = Object.freeze({ ...target }) as MappingTarget;
    }
    return out;
  }
}
