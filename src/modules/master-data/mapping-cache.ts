import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { redisOptionsFromUrl } from '../../platform/queue/redis-options.js';
import { DEFAULT_CUSTOMER, type MappingTarget } from './mapping-kinds.js';

/** The rows a change can affect: every scope of one (kind, channel, source value). */
export interface MappingGroup {
  readonly kind: string;
  readonly channel: string;
  readonly sourceValue: string;
}

/** What a change touched: these groups, or anything (a message too big or unreadable to say). */
export type MappingChange = readonly MappingGroup[] | 'all';

interface Entry {
  readonly target: MappingTarget | null;
  readonly until: number;
}

/** Invalidations are the contract; this is only a backstop should a message be lost. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 200_000;
/** Above this many groups one change message says "drop everything" instead. */
const MAX_GROUPS_PER_MESSAGE = 1000;

const groupId = (g: MappingGroup) => JSON.stringify([g.kind, g.channel, g.sourceValue]);

function groupOfId(id: string): MappingGroup | null {
  const parsed: unknown = JSON.parse(id);
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) return null;
  const [kind, channel, sourceValue] = parsed as string[];
  return { kind, channel, sourceValue };
}

/**
 * Current resolutions, in process, kept fresh across processes by Redis pub/sub.
 *
 * - Entries hold the answer for one normalised key, null ("unmapped") included, so a
 *   repeatedly unmapped SKU costs no query either.
 * - Each entry is filed under the groups it depends on: its (kind, channel, source
 *   value), and for CUSTOMER also the channel's default customer '*'. A change evicts its
 *   groups, all scopes at once, because precedence lets a broad row answer a narrow key.
 * - A writer evicts locally right after commit, then publishes the groups on
 *   `<queuePrefix>:master-data:mappings-changed`; every process (one subscriber connection
 *   each) evicts on receipt, well within a second.
 * - A load that was in flight during an invalidation is answered but not kept
 *   (generation check), so a stale read cannot outlive the message that killed it.
 * - While the subscription is down, nothing is cached (the cache is bypassed and
 *   cleared), so a missed message can never serve a stale mapping.
 * @since 0.2.0
 */
@Injectable()
export class MappingCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MappingCache');
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly origin = randomUUID();
  private generation = 0;
  private filed = 0;
  private live = false;
  private started = false;
  private subscriber: Redis | null = null;
  private readonly listeners: ((change: MappingChange) => void)[] = [];
  private publisher: Redis | null = null;
  readonly channel: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.channel = `${config.queuePrefix}:master-data:mappings-changed`;
  }

  async onModuleInit(): Promise<void> {
    const options = { ...redisOptionsFromUrl(this.config.redisUrl), lazyConnect: true, autoResubscribe: false, maxRetriesPerRequest: null };
    const subscriber = new Redis(options);
    this.subscriber = subscriber;
    this.publisher = new Redis({ ...redisOptionsFromUrl(this.config.redisUrl), lazyConnect: true, maxRetriesPerRequest: 2 });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    // Subscribed again by hand on every reconnect, and only then trusted: the messages
    // missed while down are unknowable, so the cache starts empty.
    subscriber.on('ready', () => {
      if (this.started) void this.subscribe(subscriber);
    });
    subscriber.on('close', () => this.goDark());
    subscriber.on('error', (error: Error) => this.logger.warn({ msg: 'mapping invalidation subscriber error', err: error.message }));
    this.publisher.on('error', (error: Error) => this.logger.warn({ msg: 'mapping invalidation publisher error', err: error.message }));
    try {
      await subscriber.connect();
      await this.subscribe(subscriber);
    } catch (error) {
      // Start anyway: resolution reads the database until the subscription is up.
      this.logger.warn({ msg: 'mapping cache disabled until Redis answers', err: (error as Error).message });
    } finally {
      this.started = true;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.live = false;
    const clients = [this.subscriber, this.publisher];
    this.subscriber = null;
    this.publisher = null;
    await Promise.all(clients.map(async (client) => {
      // quit() on a client that never connected would connect just to say goodbye.
      if (client?.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client?.disconnect();
    }));
  }

  /** Whether answers may be served from and kept in memory right now. */
  get enabled(): boolean {
    return this.live;
  }

  /** Generation to pass back to `store`, taken before a load starts. */
  get currentGeneration(): number {
    return this.generation;
  }

  /** The cached answer (null = known unmapped), or undefined when not cached. */
  get(key: string): MappingTarget | null | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.target;
  }

  /** Keeps a loaded answer unless an invalidation happened since the load began. */
  store(key: string, group: MappingGroup, target: MappingTarget | null, loadedAtGeneration: number): void {
    if (!this.live || loadedAtGeneration !== this.generation) return;
    // Group sets keep references to expired keys, so they are bounded as well.
    if (this.entries.size >= MAX_ENTRIES || this.filed >= 2 * MAX_ENTRIES) this.clear();
    this.entries.set(key, { target, until: Date.now() + TTL_MS });
    this.file(group, key);
    if (group.kind === 'CUSTOMER' && group.sourceValue !== DEFAULT_CUSTOMER) this.file({ ...group, sourceValue: DEFAULT_CUSTOMER }, key);
  }

  /**
   * Called after any mapping change this process hears of, its own or another's. A hint
   * only (pub/sub can drop a message): whoever acts on it must also poll the database.
   */
  onChange(listener: (change: MappingChange) => void): void {
    this.listeners.push(listener);
  }

  private notify(change: MappingChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** After a committed change: evict here at once, then tell every other process. */
  async changed(groups: readonly MappingGroup[]): Promise<void> {
    if (groups.length === 0) return;
    this.notify(groups);
    const all = groups.length > MAX_GROUPS_PER_MESSAGE;
    if (all) this.clear();
    else this.evict(groups.map(groupId));
    const message = JSON.stringify(all ? { origin: this.origin, all: true } : { origin: this.origin, groups: groups.map(groupId) });
    try {
      await this.publisher?.publish(this.channel, message);
    } catch (error) {
      // The change is committed; other processes fall back on the TTL, so say it loudly.
      this.logger.error({ msg: 'could not publish a mapping invalidation', err: (error as Error).message });
    }
  }

  private receive(message: string): void {
    let change: MappingChange = 'all';
    let own = false;
    try {
      const parsed = JSON.parse(message) as { origin?: string; all?: boolean; groups?: unknown };
      own = parsed.origin === this.origin;
      if (parsed.all === true) this.clear();
      else if (Array.isArray(parsed.groups)) {
        const ids = parsed.groups.filter((g): g is string => typeof g === 'string');
        this.evict(ids);
        const groups = ids.map(groupOfId);
        if (groups.every((g) => g !== null)) change = groups as MappingGroup[];
      }
    } catch {
      // Unreadable: someone else's message on our channel. Dropping everything is the safe answer.
      this.clear();
    }
    // This process heard of its own change when it made it.
    if (!own) this.notify(change);
  }

  private async subscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
      this.clear();
      this.live = this.subscriber === subscriber;
    } catch (error) {
      this.logger.warn({ msg: 'could not subscribe to mapping invalidations', err: (error as Error).message });
    }
  }

  private goDark(): void {
    this.live = false;
    this.clear();
  }

  private file(group: MappingGroup, key: string): void {
    const id = groupId(group);
    let keys = this.groups.get(id);
    if (!keys) this.groups.set(id, (keys = new Set()));
    keys.add(key);
    this.filed += 1;
  }

  private evict(ids: readonly string[]): void {
    this.generation += 1;
    for (const id of ids) {
      for (const key of this.groups.get(id) ?? []) this.entries.delete(key);
      this.groups.delete(id);
    }
  }

  private clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.groups.clear();
    this.filed = 0;
  }
}
