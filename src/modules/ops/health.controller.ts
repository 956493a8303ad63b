import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { INGEST_QUEUE } from '../../platform/queue/queue-names.js';
import { metricsRegistry } from '../../platform/metrics/registry.js';

const queueDepth = new Gauge({
  name: 'hub_queue_jobs',
  help: 'Jobs in each queue by state',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue,
  ) {}

  /** The process is up; says nothing of its dependencies. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready to take traffic: the database and Redis both answer. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<object> {
    const [database, redis] = await Promise.all([
      check(() => this.dataSource.query('SELECT 1')),
      check(() => this.queue.client.ping()),
    ]);
    const ok = database.ok && redis.ok;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { database, redis } };
  }

  @Get('metrics')
  @HttpCode(200)
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const counts = await this.queue.getJobCounts().catch(() => null);
    if (counts) {
      for (const [state, value] of Object.entries(counts)) queueDepth.set({ queue: INGEST_QUEUE, state }, value);
    }
    await reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }
}

