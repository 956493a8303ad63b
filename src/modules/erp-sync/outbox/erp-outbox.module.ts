import { Module } from '@nestjs/common';
import { PostingOutbox } from './posting-outbox.js';

/** Only the outbox writer, so the order module can write postings without depending on ERP sync. */
@Module({ providers: [PostingOutbox], exports: [PostingOutbox] })
export class ErpOutboxModule {}
