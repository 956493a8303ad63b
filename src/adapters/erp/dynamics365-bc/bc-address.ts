/** The order's bill-to and ship-to addresses as Business Central's salesOrder header fields. */
import type { SalesOrderAddress } from '../erp-adapter.port.js';
import type { BcSalesOrderHeader } from './bc.mapper.js';

const nonEmpty = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

const cut = (value: string | null | undefined, max: number): string | undefined => {
  const trimmed = nonEmpty(value);
  return trimmed === undefined ? undefined : Array.from(trimmed).slice(0, max).join('');
};

/** billTo… or shipTo… fields of an address, at BC's lengths (Sales Header: name/address 100, city/county 30, post code 20, country 10). */
export function addressFields(prefix: 'billTo' | 'shipTo', address: SalesOrderAddress | null | undefined): Partial<BcSalesOrderHeader> {
  if (!address) return {};
  const fields: Record<string, string | undefined> = {
    [`${prefix}Name`]: cut(address.name ?? address.company, 100),
    [`${prefix}AddressLine1`]: cut(address.line1, 100),
    [`${prefix}AddressLine2`]: cut(address.line2, 50),
    [`${prefix}City`]: cut(address.city, 30),
    [`${prefix}State`]: cut(address.region, 30),
    [`${prefix}PostCode`]: cut(address.postalCode, 20),
    [`${prefix}Country`]: cut(address.countryCode?.toUpperCase(), 10),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<BcSalesOrderHeader>;
}
