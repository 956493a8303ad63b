import { Module } from '@nestjs/common';
import { ErpOutboxModule } from '../../erp-sync/outbox/erp-outbox.module.js';
import { ShipmentEventsService } from './shipment-events.service.js';

/** Applying confirmations, for the inbox processor; the senders and the API live in FulfillmentsModule. */
@Module({ imports: [ErpOutboxModule], providers: [ShipmentEventsService], exports: [ShipmentEventsService] })
export class ShipmentEventsModule {}
