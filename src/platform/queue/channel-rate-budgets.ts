import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { redisOptionsFromUrl } from './redis-options.js';
import { RedisTokenBuckets } from './redis-token-bucket.js';

/**
 * The channels' API rate budgets (an Amazon seller's usage plan per operation), one set in
 * Redis for every process and every caller: the poller, the notification fetches and the
 * tracking sent back draw on the same buckets. The connection opens on first use, so a hub
 * with no pulled channel opens none.
 */
@Injectable()
export class ChannelRateBudgets implements OnModuleDestroy {
  private readonly logger = new Logger(ChannelRateBudgets.name);
  private redis: Redis | null = null;
  private buckets: RedisTokenBuckets | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(): RedisTokenBuckets {
    if (!this.buckets) {
      this.redis = new Redis({ ...redisOptionsFromUrl(this.config.redisUrl), maxRetriesPerRequest: 3 });
      this.redis.on('error', (error: Error) => this.logger.warn({ msg: 'channel rate budget Redis error', err: error.message }));
      // The prefix the pull scheduler has always used, so budgets survive an upgrade mid-window.
      this.buckets = new RedisTokenBuckets(this.redis, `${this.config.queuePrefix}:pull`);
    }
    return this.buckets;
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
