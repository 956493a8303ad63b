import { AdyenSettlementDetailsParser } from '../../adapters/payments/adyen-settlement-details.js';
import { AmazonSettlementV2Parser } from '../../adapters/payments/amazon-settlement-v2.js';
import type { ReportParser, ReportSource } from '../../adapters/payments/report-parser.js';
import { PaypalStlParser } from '../../adapters/payments/paypal-stl.js';
import { PAYMENT_PROVIDER_CODES, type PaymentProviderCode } from '../../adapters/payments/providers.js';
import { ShopifyPaymentsPayoutParser } from '../../adapters/payments/shopify-payments-payout.js';
import { StripeBalanceTransactionsParser } from '../../adapters/payments/stripe-balance-transactions.js';

export interface UploadFormat {
  readonly channel: string;
  parser(source: ReportSource): ReportParser;
}

/**
 * The reports an operator may upload, by the `format` query parameter. A bank statement
 * (BANK_CSV) is of one account and needs that account's column map: the upload takes both as
 * query parameters, the watched folder from `BANK_CSV/<account>/columns.json`.
 */
export const UPLOAD_FORMATS: Readonly<Record<string, UploadFormat>> = {
  AMAZON_V2: { channel: 'AMAZON', parser: (source) => new AmazonSettlementV2Parser(source) },
  SHOPIFY_PAYMENTS: { channel: 'SHOPIFY', parser: (source) => new ShopifyPaymentsPayoutParser(source) },
  STRIPE: { channel: 'STRIPE' satisfies PaymentProviderCode, parser: (source) => new StripeBalanceTransactionsParser(source) },
  ADYEN: { channel: 'ADYEN' satisfies PaymentProviderCode, parser: (source) => new AdyenSettlementDetailsParser(source) },
  PAYPAL_STL: { channel: 'PAYPAL' satisfies PaymentProviderCode, parser: (source) => new PaypalStlParser(source) },
};

/** Channels whose reports carry a payment capture (the amount paid), not the order's components. */
export const CAPTURE_CHANNELS: readonly string[] = ['SHOPIFY', ...PAYMENT_PROVIDER_CODES];
