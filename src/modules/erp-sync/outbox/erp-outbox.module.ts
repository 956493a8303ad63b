import { Module } from '@nestjs/common';
import { PendingLineChanges } from './pending-line-changes.js';
import { PostingOutbox } from './posting-outbox.js';

/** The outbox writer: it subscribes to order and shipment events, so their modules never call ERP sync. */
@Module({ providers: [PostingOutbox, PendingLineChanges], exports: [PostingOutbox, PendingLineChanges] })
export class ErpOutboxModule {}
