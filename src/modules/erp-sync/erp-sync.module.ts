import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../../platform/config/app-config.js';
import { OrderDocumentsModule } from '../orders/documents/order-documents.module.js';
import { ErpOutboxModule } from './outbox/erp-outbox.module.js';
import { ErpTargetsController } from './erp-targets.controller.js';
import { ErpSyncResolver } from './graphql/erp-sync.resolver.js';
import { OrderErpResolver, OrderSettlementErpResolver, ShipmentErpResolver } from './graphql/order-erp.resolver.js';
import { OrderPostingsReader } from './graphql/order-postings-reader.js';
import { StoreDayErpResolver, StoreDayPostingsReader } from './graphql/store-day-erp.resolver.js';
import { ErpTargetsService } from './erp-targets.service.js';
import { PostingStore } from './posting-store.js';
import { PostingWorker } from './posting-worker.js';
import { PostingsController } from './postings.controller.js';
import { PostingDocuments } from './posting-documents.js';
import { KeyWatchStore } from './duplicates/key-watch-store.js';
import { TotalReadBackStore } from './read-back/total-read-back-store.js';

/**
 * ERP targets, postings and the posting pipeline. The outbox writer the order aggregate
 * uses lives apart (ErpOutboxModule) so orders do not depend on this module. Documents are
 * built by the modules of their subjects (OrderDocumentsModule for orders), found at boot.
 */
@Module({})
export class ErpSyncModule {
  static forRole(config: Pick<AppConfig, 'role' | 'workerDuties'>): DynamicModule {
    const worker = config.role !== 'api' && config.workerDuties.has('erp');
    return {
      module: ErpSyncModule,
      // The outbox subscribes to order and shipment events in every role that applies them.
      imports: [DiscoveryModule, ErpOutboxModule, OrderDocumentsModule],
      controllers: [ErpTargetsController, PostingsController],
      providers: [
        ErpTargetsService, PostingStore, PostingDocuments, KeyWatchStore, TotalReadBackStore, ErpSyncResolver, OrderPostingsReader, OrderErpResolver, OrderSettlementErpResolver, ShipmentErpResolver,
        StoreDayPostingsReader, StoreDayErpResolver,
        ...(worker ? [PostingWorker] : []),
      ],
      exports: [ErpTargetsService, PostingStore],
    };
  }
}
