import { Module } from '@nestjs/common';
import { JournalOutbox } from './journal-outbox.js';
import { PendingLineChanges } from './pending-line-changes.js';
import { PostingOutbox } from './posting-outbox.js';

/** The outbox writer: it subscribes to order, shipment and settlement events, so their modules never call ERP sync. */
@Module({ providers: [PostingOutbox, PendingLineChanges, JournalOutbox], exports: [PostingOutbox, PendingLineChanges] })
export class ErpOutboxModule {}
