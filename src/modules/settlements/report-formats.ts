import { AdyenSettlementDetailsParser } from '../../adapters/payments/adyen-settlement-details.js';
import { AmazonSettlementV2Parser } from '../../adapters/payments/amazon-settlement-v2.js';
import type { ReportParser, ReportSource } from '../../adapters/payments/report-parser.js';
import { ShopifyPaymentsPayoutParser } from '../../adapters/payments/shopify-payments-payout.js';
import { StripeBalanceTransactionsParser } from '../../adapters/payments/stripe-balance-transactions.js';

export interface UploadFormat {
  readonly channel: string;
  parser(source: ReportSource): ReportParser;
}

/**
 * The reports an operator may upload, by the `format` query parameter. A bank statement needs
 * its account's column map, which the upload does not carry yet, so it is imported by the
 * importer's callers only.
 */
export const UPLOAD_FORMATS: Readonly<Record<string, UploadFormat>> = {
  AMAZON_V2: { channel: 'AMAZON', parser: (source) => new AmazonSettlementV2Parser(source) },
  SHOPIFY_PAYMENTS: { channel: 'SHOPIFY', parser: (source) => new ShopifyPaymentsPayoutParser(source) },
  STRIPE: { channel: 'STRIPE', parser: (source) => new StripeBalanceTransactionsParser(source) },
  ADYEN: { channel: 'ADYEN', parser: (source) => new AdyenSettlementDetailsParser(source) },
};

/** Channels whose reports carry a payment capture (the amount paid), not the order's components. */
export const CAPTURE_CHANNELS: readonly string[] = ['SHOPIFY', 'STRIPE', 'ADYEN'];
