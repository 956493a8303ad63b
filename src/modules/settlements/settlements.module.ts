import { Module } from '@nestjs/common';
import { MasterDataModule } from '../master-data/master-data.module.js';
import { JournalBuilder } from './journals/journal.builder.js';
import { SettlementDeliverySubject } from './journals/settlement-delivery-subject.js';
import { SettlementJournalsService } from './journals/settlement-journals.service.js';
import { SettlementImportsController } from './settlement-imports.controller.js';

/** Settlement reports in, reconciled against orders and the bank, summed up in one journal per ERP. */
@Module({
  imports: [MasterDataModule],
  controllers: [SettlementImportsController],
  providers: [SettlementJournalsService, JournalBuilder, SettlementDeliverySubject],
  exports: [SettlementJournalsService],
})
export class SettlementsModule {}
