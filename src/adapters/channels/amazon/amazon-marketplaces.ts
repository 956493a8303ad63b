/**
 * What the hub needs to know of a marketplace that its orders do not always say: the currency
 * (a Pending order carries no amounts) and whether prices include VAT (Amazon's EU and UK
 * marketplaces show VAT-inclusive ItemPrice, with ItemTax the VAT inside it).
 */
interface Marketplace {
  readonly currency: string;
  readonly taxesIncluded: boolean;
}

const MARKETPLACES: Readonly<Record<string, Marketplace>> = {
  ATVPDKIKX0DER: { currency: 'USD', taxesIncluded: false },
  A2EUQ1WTGCTBG2: { currency: 'CAD', taxesIncluded: false },
  A1AM78C64UM0Y8: { currency: 'MXN', taxesIncluded: false },
  A1F83G8C2ARO7P: { currency: 'GBP', taxesIncluded: true },
  A1PA6795UKMFR9: { currency: 'EUR', taxesIncluded: true },
  A13V1IB3VIYZZH: { currency: 'EUR', taxesIncluded: true },
  APJ6JRA9NG5V4: { currency: 'EUR', taxesIncluded: true },
  A1RKKUPIHCS9HS: { currency: 'EUR', taxesIncluded: true },
  A1805IZSGTT6HS: { currency: 'EUR', taxesIncluded: true },
  A1VC38T7YXB528: { currency: 'JPY', taxesIncluded: true },
  A39IBJ37TRP1C6: { currency: 'AUD', taxesIncluded: true },
};

export function marketplaceOf(id: string): Marketplace | undefined {
  return MARKETPLACES[id];
}
