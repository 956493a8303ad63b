import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { normaliseAccount } from '../../adapters/channels/registry.js';
import { ErpTargetDirectory } from '../erp-sync/erp-target-directory.js';
import { inTransaction } from '../../platform/database/sql.js';
import { MappingCache, type MappingGroup } from './mapping-cache.js';
import { checkNote, checkTarget, sameTarget, type MappingDraft, type MappingKind, type MappingTarget } from './mapping-kinds.js';
import { mappingError, translateDbError, validationError } from './master-data.errors.js';
import { MappingStore, type MappingFilter, type MappingVersion, type ResolveRow } from './mapping-store.js';

/**
 * Who asks, and in which transaction. Reads use `runner` when given (the caller's
 * transaction); writes always run their own, because the cache may only be invalidated
 * after a commit it can see.
 * @since 0.2.0
 */
export interface MappingContext {
  readonly runner?: QueryRunner;
}

export interface WriteContext {
  /** The API key's name (never the key), recorded as changed_by. */
  readonly actor: string;
}

/** One identifier to resolve. `account` / `erpTarget` absent or null: only rows for every account / target match. */
export interface ResolveKey {
  readonly kind: MappingKind;
  readonly channel: string;
  readonly account?: string | null;
  readonly erpTarget?: string | null;
  readonly sourceValue: string;
}

/** The Map key under which `resolve` answers a ResolveKey; equal keys give equal strings. */
export function resolutionKey(key: ResolveKey): string {
  return JSON.stringify([key.kind, key.channel, key.account ?? null, key.erpTarget ?? null, key.sourceValue]);
}

/** The key as the table stores scopes: accounts normalised by their channel, as orders keep them. */
function normalise(key: ResolveKey): ResolveRow {
  const account = key.account ?? null;
  return {
    kind: key.kind,
    channel: key.channel,
    account: account !== null ? normaliseAccount(key.channel, account) : account,
    erpTarget: key.erpTarget ?? null,
    sourceValue: key.sourceValue,
  };
}

export const groupOf = (m: { kind: string; channel: string; sourceValue: string }): MappingGroup => ({
  kind: m.kind, channel: m.channel, sourceValue: m.sourceValue,
});

const hasNul = (value: string) => value.includes('\u0000');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The governed mapping store: every change is a new version (who, when, why), history is
 * kept, and resolution can be asked for now or for any past instant.
 * @since 0.2.0
 */
@Injectable()
export class MappingService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(MappingCache) private readonly cache: MappingCache,
    @Inject(ErpTargetDirectory) private readonly targets: ErpTargetDirectory,
  ) {}

  /**
   * A new mapping. A key whose current version is retired is revived as that mapping's
   * next version, so its history stays in one place. 409 when a live one exists.
   */
  async create(ctx: WriteContext, draft: MappingDraft): Promise<MappingVersion> {
    const unknown = await this.unknownTargets([draft.erpTarget]);
    if (unknown.length > 0) throw mappingError('VALIDATION_FAILED', `ERP target ${unknown[0]} does not exist`, 'erpTarget');
    const created = await this.write(async (store) => {
      const [current] = await store.lockCurrent([draft]);
      if (current && !current.retired) {
        throw mappingError('MAPPING_EXISTS', `a current mapping exists for this key: ${current.mappingKey} (version ${current.version}); update it instead`, 'sourceValue');
      }
      const at = await store.now();
      if (current) await store.close([current.id], at);
      const [row] = await store.insert(
        [{ ...draft, mappingKey: current?.mappingKey ?? null, version: (current?.version ?? 0) + 1, retired: false }],
        ctx.actor,
        at,
      );
      return row;
    });
    await this.cache.changed([groupOf(created)]);
    return created;
  }

  /** A new version with another target. A change to the same target writes nothing and answers the current version. */
  async update(ctx: WriteContext, mappingKey: string, change: { target: unknown; note: unknown }): Promise<MappingVersion> {
    const note = checkNote(change.note);
    if (!note.ok) throw validationError(note.errors);
    let changed = false;
    const result = await this.write(async (store) => {
      const current = await this.lockLive(store, mappingKey, 'update');
      const target = checkTarget(current.kind, change.target);
      if (!target.ok) throw validationError(target.errors);
      if (sameTarget(current.target, target.value)) return current;
      const at = await store.now();
      await store.close([current.id], at);
      changed = true;
      const [row] = await store.insert([{ ...current, target: target.value, version: current.version + 1, retired: false, note: note.value }], ctx.actor, at);
      return row;
    });
    if (changed) await this.cache.changed([groupOf(result)]);
    return result;
  }

  /** Retirement is a version too (retired = true), so who retired it and why is kept. */
  async retire(ctx: WriteContext, mappingKey: string, noteInput: unknown): Promise<MappingVersion> {
    const note = checkNote(noteInput);
    if (!note.ok) throw validationError(note.errors);
    const retired = await this.write(async (store) => {
      const current = await this.lockLive(store, mappingKey, 'retire');
      const at = await store.now();
      await store.close([current.id], at);
      const [row] = await store.insert([{ ...current, version: current.version + 1, retired: true, note: note.value }], ctx.actor, at);
      return row;
    });
    await this.cache.changed([groupOf(retired)]);
    return retired;
  }

  async list(ctx: MappingContext, filter: MappingFilter = {}): Promise<MappingVersion[]> {
    for (const [field, value] of Object.entries(filter)) {
      if (typeof value === 'string' && hasNul(value)) throw mappingError('VALIDATION_FAILED', `${field} must not contain NUL characters`, field);
    }
    return this.store(ctx).list(filter);
  }

  /** Every version of a mapping, oldest first; 404 for a key never seen. */
  async history(ctx: MappingContext, mappingKey: string): Promise<MappingVersion[]> {
    const versions = UUID.test(mappingKey) ? await this.store(ctx).history(mappingKey) : [];
    if (versions.length === 0) throw mappingError('MAPPING_NOT_FOUND', `no mapping ${mappingKey}`, 'mappingKey');
    return versions;
  }

  /**
   * Resolves many identifiers at once: the Map has one entry per distinct key (see
   * resolutionKey), the target or null when unmapped. Without `asOf` the answers come from
   * the cache, and whatever it lacks is loaded in ONE query; with `asOf` (a replay that
   * wants the mapping of its time) ONE query answers all keys from history.
   */
  async resolve(ctx: MappingContext, keys: readonly ResolveKey[], asOf?: Date): Promise<Map<string, MappingTarget | null>> {
    const answers = new Map<string, MappingTarget | null>();
    const pending = new Map<string, ResolveRow>();
    const useCache = asOf === undefined && this.cache.enabled;
    for (const key of keys) {
      const row = normalise(key);
      const id = resolutionKey(key);
      const normalId = resolutionKey(row);
      // No stored value holds NUL (PostgreSQL text cannot), so such a key is unmapped without asking.
      if (Object.values(row).some((v) => typeof v === 'string' && hasNul(v))) {
        answers.set(id, null);
        continue;
      }
      const cached = useCache ? this.cache.get(normalId) : undefined;
      if (cached !== undefined) answers.set(id, cached);
      else if (!pending.has(id)) pending.set(id, row);
    }
    if (pending.size === 0) return answers;
    const generation = this.cache.currentGeneration;
    const rows = [...pending.values()];
    const targets = await this.store(ctx).resolve(rows, asOf ?? null);
    [...pending.keys()].forEach((id, i) => {
      answers.set(id, targets[i]);
      if (asOf === undefined) this.cache.store(resolutionKey(rows[i]), groupOf(rows[i]), targets[i], generation);
    });
    return answers;
  }

  /** The ERP targets among these that are not configured (a mapping may only name a real one). */
  async unknownTargets(targets: readonly (string | null)[]): Promise<string[]> {
    return this.targets.unknown([...new Set(targets.filter((t): t is string => t !== null))]);
  }

  /** Runs a write in its own transaction; constraint races become 409s, never 500s. */
  async write<T>(fn: (store: MappingStore) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.dataSource, (runner) => fn(new MappingStore(runner)));
    } catch (error) {
      throw translateDbError(error);
    }
  }

  /** Tells this and every other process which mapping groups a committed write changed. */
  changed(groups: readonly MappingGroup[]): Promise<void> {
    return this.cache.changed(groups);
  }

  private store(ctx: MappingContext): MappingStore {
    return new MappingStore(ctx.runner ?? this.dataSource);
  }

  private async lockLive(store: MappingStore, mappingKey: string, action: string): Promise<MappingVersion> {
    const current = UUID.test(mappingKey) ? await store.lockCurrentByKey(mappingKey) : null;
    if (!current) throw mappingError('MAPPING_NOT_FOUND', `no mapping ${mappingKey}`, 'mappingKey');
    if (current.retired) {
      throw mappingError('MAPPING_RETIRED', `mapping ${mappingKey} is retired; create it again to ${action === 'update' ? 'map it' : 'use it'} again`, 'mappingKey');
    }
    return current;
  }
}
