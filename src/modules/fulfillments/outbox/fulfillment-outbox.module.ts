import { Module } from '@nestjs/common';
import { FulfillmentLocationsCache } from './fulfillment-locations.cache.js';
import { FulfillmentOutbox } from './fulfillment-outbox.js';

/** What releasing or cancelling an order needs; it subscribes to the order's events, so orders never call fulfilments. */
@Module({ providers: [FulfillmentOutbox, FulfillmentLocationsCache], exports: [FulfillmentOutbox, FulfillmentLocationsCache] })
export class FulfillmentOutboxModule {}
