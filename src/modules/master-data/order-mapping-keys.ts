import type { CanonicalOrder } from '../../canonical/order.js';
import { DEFAULT_CUSTOMER, type MappingKind } from './mapping-kinds.js';
import type { ResolveKey } from './mapping.service.js';

/** An identifier of an order that has no mapping yet. */
export interface UnmappedKey {
  readonly kind: MappingKind;
  readonly channel: string;
  readonly account: string;
  readonly sourceValue: string;
}

/**
 * The ITEM source value a custom line (one with neither SKU nor variant: a gift wrap, a
 * hand-keyed charge) is mapped by: one item per account stands for all of them.
 */
export const CUSTOM_LINE_ITEM = 'custom-line';

/**
 * What a line is known by in the ITEM mappings: its SKU, else its variant id, else the
 * account's custom-line item. The release gate and the sales-order builder both ask this
 * one function, so a line the gate let through is one the builder can resolve.
 */
export function itemSourceValue(line: { readonly sku: string | null; readonly variantId: string | null }): string {
  return line.sku ?? (line.variantId ? `variant:${line.variantId}` : CUSTOM_LINE_ITEM);
}

/** Every ITEM source value of a line, first the one the unmapped worklist names, then the channel's others (itemKeys). */
export function itemSourceValues(line: { readonly sku: string | null; readonly variantId: string | null; readonly itemKeys?: readonly string[] | null }): string[] {
  const first = itemSourceValue(line);
  return [first, ...(line.itemKeys ?? []).filter((key) => key !== first)];
}

/** An identifier to resolve, and the others that answer for it when it has no mapping (a line's itemKeys). */
export interface OrderMappingKey extends ResolveKey {
  readonly alternatives?: readonly ResolveKey[];
}

/**
 * The ITEM source value an order charge (a tip, duties, a rounding adjustment) is mapped by:
 * `charge:<kind>` in lower case, one item (or account) per kind and account.
 */
export function chargeSourceValue(kind: string): string {
  return `charge:${kind.toLowerCase()}`;
}

/** What an order's customer is known by: its id in the channel, else the account's default customer. */
export function customerSourceValue(externalId: string | null | undefined): string {
  return externalId ?? DEFAULT_CUSTOMER;
}

/** The kinds an order needs before it may be released, in the order they are reported. */
export const ORDER_MAPPING_KINDS: readonly MappingKind[] = ['ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER'];

/**
 * Every identifier of an order the ERP must know, for the kinds required: each line's item
 * (itemSourceValue), each fulfilment location, each tax title, each order charge's item
 * (chargeSourceValue), each tender gateway, and the customer (an account's default customer `*` also answers for it).
 */
export function orderMappingKeys(order: CanonicalOrder, required: readonly MappingKind[]): OrderMappingKey[] {
  const channel = order.source.system;
  const account = order.source.account;
  const keys = new Map<string, OrderMappingKey>();
  const add = (kind: MappingKind, value: string | null | undefined, others: readonly string[] = []) => {
    if (!required.includes(kind) || !value) return;
    const alternatives = others.map((sourceValue) => ({ kind, channel, account, sourceValue }));
    keys.set(`${kind}\u0000${[value, ...others].join('\u0000')}`, { kind, channel, account, sourceValue: value, ...(alternatives.length > 0 && { alternatives }) });
  };
  for (const line of order.lines) {
    const [first, ...others] = itemSourceValues(line);
    add('ITEM', first, others);
    add('LOCATION', line.locationRef);
    for (const tax of line.taxes) add('TAX_CODE', tax.title);
  }
  for (const shipping of order.shippingLines) for (const tax of shipping.taxes) add('TAX_CODE', tax.title);
  // Order charges come with the canonical order's `charges` where the channel has them.
  // A converted order's presentment view may carry its own (a rounding the shop view has not).
  for (const charge of [...(order.charges ?? []), ...(order.presentment?.charges ?? [])]) add('ITEM', chargeSourceValue(charge.kind));
  for (const tender of order.tenders) add('TENDER', tender.gateway);
  add('CUSTOMER', customerSourceValue(order.customer?.externalId));
  return [...keys.values()];
}
