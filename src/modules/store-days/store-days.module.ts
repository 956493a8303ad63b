import { Module } from '@nestjs/common';
import { ChannelAccountsModule } from '../channel-accounts/channel-accounts.module.js';
import { MasterDataModule } from '../master-data/master-data.module.js';
import { StoreDayReader } from './graphql/store-day-reader.js';
import { StoreDaysResolver } from './graphql/store-days.resolver.js';
import { StoreDayDeliverySubject } from './journals/store-day-delivery-subject.js';
import { StoreDayJournalBuilder } from './journals/store-day-journal.builder.js';
import { StoreDaysService } from './store-days.service.js';
import { OrderDocumentsModule } from '../orders/documents/order-documents.module.js';
import { OrderServiceModule } from '../orders/order-service.module.js';
import { StoreDaySalesBuilder } from './summaries/store-day-sales.builder.js';
import { StoreDaySalesSubject } from './summaries/store-day-sales-subject.js';

/** Store days: till transactions per store and business date, the cash count, its variance and its journal to the ERPs. */
@Module({
  imports: [ChannelAccountsModule, MasterDataModule, OrderServiceModule, OrderDocumentsModule],
  providers: [StoreDaysService, StoreDayJournalBuilder, StoreDayDeliverySubject, StoreDaySalesBuilder, StoreDaySalesSubject, StoreDayReader, StoreDaysResolver],
  exports: [StoreDaysService],
})
export class StoreDaysModule {}
