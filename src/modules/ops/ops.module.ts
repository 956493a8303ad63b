import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { INGEST_QUEUE } from '../../platform/queue/queue-names.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [BullModule.registerQueue({ name: INGEST_QUEUE })],
  controllers: [HealthController],
})
export class OpsModule {}
