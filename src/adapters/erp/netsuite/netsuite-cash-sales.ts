/**
 * Counter sales as NetSuite cash sales (netsuite-cash-sale.mapper.ts):
 *   upsert: PUT {base}/record/v1/cashSale/eid:{key}?replace=item[,taxDetails] → 204 + Location,
 *           then GET …/cashSale/{id} for NetSuite's total and tranId (the read-back)
 *   find:   GET …/cashSale/eid:{key} → 200 record | 404
 * PUT by external id is NetSuite's upsert, as for the sales order: a cash sale sent again (after a
 * lost answer, or a replay) updates the one with the key, never makes a second. No item fulfilment
 * follows: the cash sale relieves the location's stock itself.
 */
import { DeliveryError, type CashSaleDocument, type ErpCallContext, type ErpDocumentRef } from '../erp-adapter.port.js';
import { erpTotalOf } from '../shared/erp-total.js';
import { toNetSuiteCashSale } from './netsuite-cash-sale.mapper.js';
import { internalIdFromLocation, recordOf, type NetSuiteAnswer, type NetSuiteClient } from './netsuite-client.js';
import { parseNetSuiteError } from './netsuite.errors.js';
import type { NetSuiteMappingOptions } from './netsuite.mapper.js';

const RECORD = 'cashSale';
const ok = (answer: NetSuiteAnswer): boolean => answer.status >= 200 && answer.status <= 299;

export class NetSuiteCashSales {
  constructor(
    private readonly client: NetSuiteClient,
    private readonly options: NetSuiteMappingOptions,
  ) {}

  async upsert(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const body = toNetSuiteCashSale(doc, this.options);
    const url = this.client.url(RECORD, { externalId: body.externalId }, '', { replace: body.taxDetails ? 'item,taxDetails' : 'item' });
    const answer = await this.client.send('PUT', url, body, ctx);
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const internalId = internalIdFromLocation(answer.headers.get('location'), RECORD);
    let record: Record<string, unknown> | undefined;
    try {
      record = await this.read(internalId !== undefined ? { internalId } : { externalId: body.externalId }, ctx);
    } catch (err) {
      if (internalId === undefined) {
        throw new DeliveryError('AMBIGUOUS', `NetSuite accepted the cashSale but it could not be read back: ${err instanceof Error ? err.message : String(err)}`, { code: 'NO_LOCATION' });
      }
      // Written, and where is known: it stands without NetSuite's total rather than be sent again.
      return { internalId, documentNumber: null, expectedTotal: doc.sale.grandTotal };
    }
    if (!record) {
      if (internalId !== undefined) return { internalId, documentNumber: null, expectedTotal: doc.sale.grandTotal };
      throw new DeliveryError('AMBIGUOUS', 'NetSuite accepted the cashSale but did not find it by its external id afterwards', { code: 'NO_LOCATION' });
    }
    return this.refOf(record, doc);
  }

  async find(doc: CashSaleDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const record = await this.read({ externalId: doc.sale.externalId }, ctx);
    return record ? this.refOf(record, doc) : null;
  }

  private async read(id: { readonly internalId: string } | { readonly externalId: string }, ctx: ErpCallContext): Promise<Record<string, unknown> | undefined> {
    const answer = await this.client.send('GET', this.client.url(RECORD, id), undefined, ctx);
    if (answer.status === 404) return undefined;
    if (!ok(answer)) throw parseNetSuiteError(answer.status, answer.text, answer.headers);
    const record = recordOf(answer);
    if (!record || (typeof record.id !== 'string' && typeof record.id !== 'number')) {
      throw new DeliveryError('RETRYABLE', 'NetSuite answered the cashSale look-up without a record', { status: answer.status, code: 'UNREADABLE_RECORD' });
    }
    return record;
  }

  private refOf(record: Record<string, unknown>, doc: CashSaleDocument): ErpDocumentRef {
    const erpTotal = erpTotalOf(record.total, doc.sale.currency);
    const tranId = record.tranId;
    return {
      internalId: String(record.id as string | number), documentNumber: typeof tranId === 'string' && tranId !== '' ? tranId : null,
      expectedTotal: doc.sale.grandTotal, ...(erpTotal && { erpTotal }),
    };
  }
}
