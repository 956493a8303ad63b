import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ErpAdapter, ErpCallContext } from '../../../adapters/erp/erp-adapter.port.js';
import { checkedJournal, journalSides, type JournalDocument } from '../../../adapters/erp/journal-documents.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { MappingService, resolutionKey, type ResolveKey } from '../../master-data/mapping.service.js';
import { accountSource, checkLinesEqualSettlement, journalLines } from './journal-lines.js';
import { journalShortKey, SettlementJournalStore, type SettlementForJournal } from './settlement-journal-store.js';

/**
 * The summary journal of one settlement or payout (posting type JOURNAL, subject SETTLEMENT) to
 * one target. Accounts come from the FEE_TYPE mapping (glAccount), scoped by channel and
 * optionally by target: a fee by its fee type, a line of a type the hub does not know by its
 * provider key, every other component by `settlement:<COMPONENT>` (settlement:PRINCIPAL, …,
 * settlement:PAYOUT for the bank clearing account). An unmapped one parks the journal
 * (MISSING_DEPENDENCY); a journal that does not balance, or whose lines are not the settlement's
 * components, is refused before it is sent (DOCUMENT_TOTAL_MISMATCH) and holds the settlement.
 */
@Injectable()
@BuildsDocument('JOURNAL', 'SETTLEMENT')
export class JournalBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  private readonly store = new SettlementJournalStore();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MappingService) private readonly mappings: MappingService,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const settlement = await this.store.forJournal(this.db, request.subjectId);
    if (!settlement) throw new DeliveryError('PERMANENT', `settlement journal ${request.subjectId} does not exist`);
    if (settlement.importStatus !== 'IMPORTED') {
      throw new DeliveryError('PERMANENT', `${settlement.format} report ${settlement.reportId} failed its control totals: no journal`, { code: 'CONTROL_TOTAL' });
    }
    const doc = await this.build(settlement, request.targetId);
    return {
      externalId: doc.externalId, expectedTotal: doc.total,
      find: (a, ctx) => this.adapterOf(a).findJournal!(doc, ctx),
      send: (a, ctx) => this.adapterOf(a).postJournal!(doc, ctx),
    };
  }

  async build(settlement: SettlementForJournal, targetId: string): Promise<JournalDocument> {
    const title = `${settlement.channel} ${settlement.format} ${settlement.reportId}`;
    const key = (sourceValue: string): ResolveKey => ({ kind: 'FEE_TYPE', channel: settlement.channel, account: null, erpTarget: targetId, sourceValue });
    const sources = [...new Set(settlement.groups.filter((g) => g.amount !== 0n).map(accountSource))];
    const answers = sources.length > 0 ? await this.mappings.resolve({}, sources.map(key)) : new Map<string, Record<string, string>>();
    const lines = journalLines(settlement.groups, (source) => answers.get(resolutionKey(key(source)))?.glAccount ?? null, title);
    checkLinesEqualSettlement(lines, settlement.groups, title);
    const { debit } = journalSides(lines);
    return checkedJournal({
      externalId: settlement.externalId, shortKey: journalShortKey(settlement.externalId), currency: settlement.currency, date: settlement.date,
      memo: `${title} summary`, lines, total: { amount: debit, currency: settlement.currency },
    });
  }

  private adapterOf(adapter: ErpAdapter): ErpAdapter {
    if (!adapter.postJournal || !adapter.findJournal) {
      throw new DeliveryError('PERMANENT', `the ${adapter.variant} adapter cannot post journals`, { code: 'UNSUPPORTED_DOCUMENT' });
    }
    return adapter;
  }
}
