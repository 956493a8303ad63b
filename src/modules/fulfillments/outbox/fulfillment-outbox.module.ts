import { Module } from '@nestjs/common';
import { FulfillmentLocationsCache } from './fulfillment-locations.cache.js';
import { FulfillmentOutbox } from './fulfillment-outbox.js';

/** Only what releasing an order needs, so the order module does not depend on fulfilments. */
@Module({ providers: [FulfillmentOutbox, FulfillmentLocationsCache], exports: [FulfillmentOutbox, FulfillmentLocationsCache] })
export class FulfillmentOutboxModule {}
