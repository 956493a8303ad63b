/**
 * Which of an order's money sets a target's documents are in. SHOP (the default): the shop's own
 * currency, as the channel converted it. PRESENTMENT: what the buyer paid in, for an ERP that books
 * the sale in the customer's currency. Either way the document adds up in its own currency.
 */
import { DeliveryError, type SalesOrderChangeDocument, type SalesOrderDocument } from '../erp-adapter.port.js';

export const CURRENCY_BASES = ['SHOP', 'PRESENTMENT'] as const;
export type CurrencyBasis = (typeof CURRENCY_BASES)[number];
export const DEFAULT_CURRENCY_BASIS: CurrencyBasis = 'SHOP';

/**
 * The document to send under the target's basis. A converted order without presentment money for
 * every amount cannot be sent in it: that is permanent (the channel will not say more), never a
 * silent fall-back to the shop's currency.
 */
export function documentInBasis(doc: SalesOrderDocument, basis: CurrencyBasis | undefined): SalesOrderDocument {
  if ((basis ?? DEFAULT_CURRENCY_BASIS) === 'SHOP') return doc;
  if (doc.presentment) return doc.presentment;
  if (doc.presentmentCurrency !== undefined && doc.presentmentCurrency !== doc.currency) throw noPresentmentMoney(doc.presentmentCurrency);
  return doc;
}

/** A line change in the money its sales order was sent in. */
export function changeInBasis(doc: SalesOrderChangeDocument, basis: CurrencyBasis | undefined): SalesOrderChangeDocument {
  if ((basis ?? DEFAULT_CURRENCY_BASIS) === 'SHOP' || doc.presentmentCurrency === undefined) return doc;
  if (!doc.presentmentLines) throw noPresentmentMoney(doc.presentmentCurrency);
  return { ...doc, lines: doc.presentmentLines };
}

function noPresentmentMoney(currency: string): DeliveryError {
  return new DeliveryError(
    'PERMANENT',
    `the target books in the buyer's currency (currencyBasis PRESENTMENT), but the order gives no presentment money in ${currency} for every amount`,
    { code: 'NO_PRESENTMENT_MONEY', field: 'currencyBasis' },
  );
}
