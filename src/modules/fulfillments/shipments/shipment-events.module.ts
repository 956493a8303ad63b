import { Module } from '@nestjs/common';
import { ErpOutboxModule } from '../../erp-sync/outbox/erp-outbox.module.js';
import { InboxNotesModule } from '../../ingestion/inbox/inbox-notes.js';
import { OrderServiceModule } from '../../orders/order-service.module.js';
import { ChannelCancellations } from './channel-cancellations.js';
import { FulfilledAtSource } from './fulfilled-at-source.js';
import { HeldShipments } from './held-shipments.js';
import { ShipmentEventsService } from './shipment-events.service.js';

/**
 * Applying confirmations and fulfilments the channel withdrew, for the inbox processor, and
 * applying held ones when their order is released (an OrderReleased subscriber); the senders and
 * the API live in FulfillmentsModule.
 */
@Module({
  imports: [OrderServiceModule, ErpOutboxModule, InboxNotesModule],
  providers: [ShipmentEventsService, HeldShipments, ChannelCancellations, FulfilledAtSource],
  exports: [ShipmentEventsService, HeldShipments, ChannelCancellations],
})
export class ShipmentEventsModule {}
