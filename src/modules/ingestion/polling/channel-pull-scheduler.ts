import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, PullContext } from '../../../adapters/channels/channel-port.js';
import { CHANNEL_ADAPTERS, channelByCode } from '../../../adapters/channels/registry.js';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config.js';
import { ChannelRateBudgets } from '../../../platform/queue/channel-rate-budgets.js';
import { ChannelPullAccounts } from '../../channel-accounts/channel-pull-accounts.service.js';
import { ChannelPollRunner, type PollOutcome } from './channel-poll-runner.js';

/** Channels polled on the interval; others with a pull operation are only read for what a delivery names. */
/** Waits before each new try of a fetch that has no poll behind it. */
const FETCH_RETRIES_MS = [500, 2000, 5000];

const PULLED: readonly ChannelAdapter[] = CHANNEL_ADAPTERS.filter((adapter) => adapter.pull?.poller);

/**
 * Pulls from the channels that are pulled (Amazon): every account on an interval, from its
 * watermark (the safety net: notifications are at-least-once and can be late), and one object
 * at once when a notification names it. Rate budgets are shared across processes in Redis.
 * A failed pull loses nothing: the watermark has not moved, and the next round asks again.
 */
@Injectable()
export class ChannelPullScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChannelPullScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private readonly stop = new AbortController();
  private round: Promise<void> | null = null;
  private readonly fetches = new Set<Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChannelPollRunner) private readonly runner: ChannelPollRunner,
    @Inject(ChannelPullAccounts) private readonly accounts: ChannelPullAccounts,
    @Inject(ChannelRateBudgets) private readonly budgets: ChannelRateBudgets,
  ) {}

  onApplicationBootstrap(): void {
    const worker = this.config.role !== 'api' && this.config.workerDuties.has('ingest');
    if (PULLED.length === 0 || !worker) return;
    this.timer = setInterval(() => void this.pollAll(), this.config.pullIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stop.abort();
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([this.round, ...this.fetches]);
  }

  private context(): PullContext {
    return { buckets: this.budgets.get(), config: this.config, signal: this.stop.signal };
  }

  /** One round over every account of every pulled channel; a round still running is joined, not doubled. */
  pollAll(): Promise<void> {
    this.round ??= this.pollRound().finally(() => {
      this.round = null;
    });
    return this.round;
  }

  private async pollRound(): Promise<void> {
    for (const channel of PULLED) {
      for (const account of await this.accounts.list(channel.code)) {
        if (this.stop.signal.aborted) return;
        try {
          await this.pollAccount(channel, account.account);
        } catch (error) {
          this.logger.warn({ msg: 'pull failed; the next round asks again from the same watermark', channel: channel.code, account: account.account, err: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  }

  async pollAccount(channel: ChannelAdapter, account: string): Promise<PollOutcome | null> {
    const found = await this.accounts.get(channel.code, account);
    if (!found || !channel.pull?.poller) return null;
    return this.runner.pollOnce(channel.pull.poller(found, this.context()));
  }

  /** A notification named `ref`: fetch it now, into the inbox (after the notification's own row is committed). */
  fetch(channelCode: string, account: string, ref: string, correlationId = `fetch-${randomUUID()}`): Promise<void> {
    const channel = channelByCode(channelCode);
    const work = (async () => {
      const found = channel?.pull ? await this.accounts.get(channelCode, account) : null;
      if (!channel?.pull || !found) {
        this.logger.warn({ msg: 'a notification asked for a fetch the hub cannot make (no pull account)', channel: channelCode, account });
        return;
      }
      // A channel with no poller has no safety net behind the fetch: it is tried again a few times before it is given up.
      const attempts = channel.pull.poller ? 1 : FETCH_RETRIES_MS.length + 1;
      for (let attempt = 1; ; attempt++) {
        try {
          const events = await channel.pull.fetchOne(found, this.context(), ref);
          await this.runner.store(channelCode, account, 'notified', events, correlationId);
          return;
        } catch (error) {
          if (attempt >= attempts || this.stop.signal.aborted) throw error;
          await new Promise((resolve) => setTimeout(resolve, FETCH_RETRIES_MS[attempt - 1]).unref());
        }
      }
    })().catch((error: unknown) => {
      const next = channel?.pull?.poller ? 'the poll will find the change' : 'replay the delivery to read it again';
      this.logger.warn({ msg: `fetch after a delivery failed; ${next}`, channel: channelCode, account, err: error instanceof Error ? error.message : String(error) });
    });
    this.fetches.add(work);
    void work.finally(() => this.fetches.delete(work));
    return work;
  }
}
