import { Module } from '@nestjs/common';
import { PostedTotalsModule } from '../erp-sync/posted-totals.js';
import { MasterDataModule } from '../master-data/master-data.module.js';
import { OrderServiceModule } from '../orders/order-service.module.js';
import { ReturnsModule } from '../returns/returns.module.js';
import { BreakActionsService } from './break-actions.service.js';
import { FeeTypeWorklistSource } from './fee-type-worklist.js';
import {
  OrderSettlementFieldResolver, OrderSettlementResolver, PayoutChildrenResolver, SettlementBreakResolver, SettlementChildrenResolver,
  SettlementLineResolver, SettlementMatchResolver,
} from './graphql/settlement-children.resolver.js';
import { SettlementReader } from './graphql/settlement-reader.js';
import { SettlementsResolver } from './graphql/settlements.resolver.js';
import { ImportFolderWatcher } from './import-folder.watcher.js';
import { SettlementExportsController } from './settlement-exports.controller.js';
import { JournalBuilder } from './journals/journal.builder.js';
import { SettlementDeliverySubject } from './journals/settlement-delivery-subject.js';
import { SettlementJournalsService } from './journals/settlement-journals.service.js';
import { ErpExtractsController } from './erp-extract/erp-extracts.controller.js';
import { SettlementImportsController } from './settlement-imports.controller.js';
import { SettlementMatchingService } from './settlement-matching.service.js';
import { SettlementMetrics } from './settlement-metrics.js';

/** Settlement reports in, reconciled against orders, refunds, fee mappings and the bank; read over GraphQL and CSV; one summary journal per ERP. */
@Module({
  imports: [OrderServiceModule, ReturnsModule, MasterDataModule, PostedTotalsModule],
  controllers: [SettlementImportsController, SettlementExportsController, ErpExtractsController],
  providers: [
    SettlementJournalsService, JournalBuilder, SettlementDeliverySubject, BreakActionsService, SettlementMatchingService, FeeTypeWorklistSource, SettlementMetrics, ImportFolderWatcher, SettlementReader, SettlementsResolver, SettlementChildrenResolver, PayoutChildrenResolver,
    SettlementLineResolver, SettlementMatchResolver, SettlementBreakResolver, OrderSettlementResolver, OrderSettlementFieldResolver,
  ],
  exports: [SettlementMatchingService, BreakActionsService, SettlementJournalsService],
})
export class SettlementsModule {}
