import { Module } from '@nestjs/common';
import { PostingOutbox } from './posting-outbox.js';

/** The outbox writer: it subscribes to order and shipment events, so their modules never call ERP sync. */
@Module({ providers: [PostingOutbox], exports: [PostingOutbox] })
export class ErpOutboxModule {}
