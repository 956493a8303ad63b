/**
 * Payment providers whose settlement reports the hub imports. They are channels of money, not
 * of orders: no adapter takes their orders, but their settlements carry fees that map to GL
 * accounts (FEE_TYPE, keyed by the report's channel) and their journals post to the ERP.
 */
export const PAYMENT_PROVIDER_CODES = ['STRIPE', 'ADYEN', 'PAYPAL'] as const;
export type PaymentProviderCode = (typeof PAYMENT_PROVIDER_CODES)[number];

export const isPaymentProvider = (code: string): code is PaymentProviderCode => (PAYMENT_PROVIDER_CODES as readonly string[]).includes(code);
