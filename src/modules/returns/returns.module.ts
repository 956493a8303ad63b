import { Module } from '@nestjs/common';
import { MasterDataModule } from '../master-data/master-data.module.js';
import { OrderDocumentsModule } from '../orders/documents/order-documents.module.js';
import { OrderServiceModule } from '../orders/order-service.module.js';
import { CreditMemoBuilder } from './documents/credit-memo.builder.js';
import { RefundDeliverySubject } from './documents/refund-delivery-subject.js';
import { RefundDocumentReader } from './persistence/refund-document-reader.js';
import { OrderReturnsResolver, RefundChildrenResolver, ReturnChildrenResolver } from './graphql/return-children.resolver.js';
import { ReturnReader } from './graphql/return-reader.js';
import { ReturnsResolver } from './graphql/returns.resolver.js';
import { RefundSettlementsService } from './refund-settlements.service.js';
import { ReturnEventsService } from './return-events.service.js';
import { RefundsAwaitingOrder } from './refunds-awaiting-order.js';
import { ReturnMetrics } from './return-metrics.js';

/** Return cases and refunds: intake from every source, finance rules, the read side, and what other modules may ask. */
@Module({
  imports: [OrderServiceModule, OrderDocumentsModule, MasterDataModule],
  providers: [
    ReturnEventsService, RefundSettlementsService, ReturnMetrics, RefundDocumentReader, CreditMemoBuilder, RefundDeliverySubject, RefundsAwaitingOrder,
    ReturnReader, ReturnsResolver, ReturnChildrenResolver, RefundChildrenResolver, OrderReturnsResolver,
  ],
  exports: [ReturnEventsService, RefundSettlementsService],
})
export class ReturnsModule {}
