import { Module } from '@nestjs/common';
import { OrderServiceModule } from '../orders/order-service.module.js';
import { ReturnEventsService } from './return-events.service.js';

/** Return cases and refunds: intake from every source, finance rules, and what other modules may ask. */
@Module({
  imports: [OrderServiceModule],
  providers: [ReturnEventsService],
  exports: [ReturnEventsService],
})
export class ReturnsModule {}
