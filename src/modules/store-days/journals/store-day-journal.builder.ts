import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ErpAdapter, ErpCallContext } from '../../../adapters/erp/erp-adapter.port.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { MappingService, resolutionKey, type ResolveKey } from '../../master-data/mapping.service.js';
import { StoreDayJournalStore } from './store-day-journal-store.js';
import { CASH_ACCOUNT_SOURCE, OVER_SHORT_ACCOUNT_SOURCE, varianceJournal } from './variance-journal.js';

/**
 * A store day's cash variance journal (posting type JOURNAL, subject STORE_DAY) to one target,
 * through the adapters' journal operation (NetSuite journalEntry, Business Central general journal).
 * The accounts are FEE_TYPE mappings (glAccount) of `store-day:CASH` and `store-day:CASH_OVER_SHORT`,
 * for the store's channel, the store's account first, optionally per target. Unmapped, it waits
 * (MISSING_DEPENDENCY); one that would not balance or not be the variance is refused before sending.
 */
@Injectable()
@BuildsDocument('JOURNAL', 'STORE_DAY')
export class StoreDayJournalBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  private readonly store = new StoreDayJournalStore();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MappingService) private readonly mappings: MappingService,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const journal = await this.store.forJournal(this.db, request.subjectId);
    if (!journal) throw new DeliveryError('PERMANENT', `store day journal ${request.subjectId} does not exist`);
    const key = (sourceValue: string): ResolveKey => ({ kind: 'FEE_TYPE', channel: journal.channel, account: journal.store, erpTarget: request.targetId, sourceValue });
    const answers = await this.mappings.resolve({}, [key(CASH_ACCOUNT_SOURCE), key(OVER_SHORT_ACCOUNT_SOURCE)]);
    const account = (source: string) => answers.get(resolutionKey(key(source)))?.glAccount ?? null;
    const doc = varianceJournal(journal, { cash: account(CASH_ACCOUNT_SOURCE), overShort: account(OVER_SHORT_ACCOUNT_SOURCE) });
    return {
      externalId: doc.externalId, expectedTotal: doc.total,
      find: (a, ctx) => journalsOf(a).findJournal!(doc, ctx),
      send: (a, ctx) => journalsOf(a).postJournal!(doc, ctx),
    };
  }
}

function journalsOf(adapter: ErpAdapter): ErpAdapter {
  if (!adapter.postJournal || !adapter.findJournal) throw new DeliveryError('PERMANENT', `the ${adapter.variant} adapter cannot post journals`, { code: 'UNSUPPORTED_DOCUMENT' });
  return adapter;
}
