import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config.js';
import { ChannelAccountsModule } from '../channel-accounts/channel-accounts.module.js';
import { OrderServiceModule } from '../orders/order-service.module.js';
import { FulfillmentLocationsController } from './fulfillment-locations.controller.js';
import { OutboundMessagesController } from './outbound-messages.controller.js';
import { OrderFulfillmentReader } from './graphql/order-fulfillment-reader.js';
import { OrderFulfillmentsResolver } from './graphql/order-fulfillments.resolver.js';
import { FulfillmentOutboxModule } from './outbox/fulfillment-outbox.module.js';
import { ChannelRateBudgets } from '../../platform/queue/channel-rate-budgets.js';
import { OutboundSenders } from './outbound/outbound-senders.js';
import { OutboundStore } from './outbound/outbound-store.js';
import { OutboundWorker } from './outbound/outbound-worker.js';
import { HeldShipmentSweeper } from './shipments/held-shipment-sweeper.js';
import { ShipmentEventsModule } from './shipments/shipment-events.module.js';
import { ShipmentsController } from './shipments.controller.js';

/**
 * Fulfilment: location settings and held shipments (admin), and on workers the sender of
 * requests and cancellations to fulfilment systems and of tracking to channels, and the
 * sweep of held shipments; for GraphQL, an order's requests and shipments. Routing happens in the release transaction
 * (FulfillmentOutboxModule); confirmations are applied by the inbox processor and held
 * ones by the release (ShipmentEventsModule).
 */
@Module({})
export class FulfillmentsModule {
  static forRole(config: Pick<AppConfig, 'role' | 'workerDuties'>): DynamicModule {
    const worker = config.role !== 'api' && config.workerDuties.has('fulfillment');
    return {
      module: FulfillmentsModule,
      imports: [FulfillmentOutboxModule, ShipmentEventsModule, OrderServiceModule, ChannelAccountsModule],
      controllers: [FulfillmentLocationsController, OutboundMessagesController, ShipmentsController],
      providers: [OutboundStore, OrderFulfillmentReader, OrderFulfillmentsResolver, ...(worker ? [ChannelRateBudgets, OutboundSenders, OutboundWorker, HeldShipmentSweeper] : [])],
      exports: [OutboundStore],
    };
  }
}
