import { type DynamicModule, Module } from '@nestjs/common';
import type { ProcessRole } from '../../platform/config/app-config.js';
import { FulfillmentLocationsController } from './fulfillment-locations.controller.js';
import { OutboundMessagesController } from './outbound-messages.controller.js';
import { FulfillmentOutboxModule } from './outbox/fulfillment-outbox.module.js';
import { OutboundSenders } from './outbound/outbound-senders.js';
import { OutboundStore } from './outbound/outbound-store.js';
import { OutboundWorker } from './outbound/outbound-worker.js';

/**
 * Fulfilment: location settings (admin), and on workers the sender of requests to
 * fulfilment systems and of tracking to channels. Routing happens in the release
 * transaction (FulfillmentOutboxModule); confirmations are applied by the inbox processor
 * (ShipmentEventsModule).
 */
@Module({})
export class FulfillmentsModule {
  static forRole(role: ProcessRole): DynamicModule {
    const worker = role !== 'api';
    return {
      module: FulfillmentsModule,
      imports: [FulfillmentOutboxModule],
      controllers: [FulfillmentLocationsController, OutboundMessagesController],
      providers: [OutboundStore, ...(worker ? [OutboundSenders, OutboundWorker] : [])],
      exports: [OutboundStore],
    };
  }
}
