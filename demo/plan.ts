/**
 * Which order goes through which scenario. The mix is fixed by the order's position, so every
 * run of N orders has the same share of each scenario (with 8 or more orders, at least one of
 * each); quantities, products and customers come from a seeded generator, so a run can be
 * repeated exactly.
 */
import { EU_PEOPLE, NEW_PRODUCT, PEOPLE, SHOP, SHOP_EU, STORE, STORE_GOODS, WAREHOUSE, WAREHOUSE_GOODS, type Person, type Product } from './catalog.js';

/** The release gate an order meets on arrival, and what later lets it through. */
export type Gate = 'NONE' | 'UNPAID' | 'FRAUD' | 'UNMAPPED';
/** SPLIT: one line from the warehouse, one shipped from the store. PICKUP: collected at the store. */
export type Shape = 'SPLIT' | 'PICKUP';
/**
 * How the order's money is made up, beyond lines, shipping and sales tax: a free-shipping code,
 * a tip, or the EU shop's VAT-inclusive euro prices. Each must reach the ERP adding up to the cent.
 */
export type MoneyCase = 'STANDARD' | 'FREE_SHIPPING' | 'TIP' | 'VAT_EUR';

export interface PlannedLine {
  readonly lineId: string;
  readonly product: Product;
  readonly quantity: number;
  /** The Shopify location the line is assigned to. */
  readonly locationRef: string;
  readonly from: 'WAREHOUSE' | 'STORE';
}

export interface PlannedOrder {
  readonly index: number;
  readonly orderId: string;
  readonly customerId: string;
  readonly shippingLineId: string;
  readonly orderNumber: number;
  readonly name: string;
  readonly shape: Shape;
  readonly gate: Gate;
  readonly money: MoneyCase;
  /** The shop (channel account) the order comes from. */
  readonly shop: string;
  readonly person: Person;
  readonly confirmation: string;
  readonly lines: readonly PlannedLine[];
}

/** mulberry32: small, fast and good enough to pick quantities. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every 8 orders: one unpaid, one for fraud review, one with the unmapped product. */
export function gateOf(index: number): Gate {
  switch (index % 8) {
    case 1: return 'UNPAID';
    case 3: return 'FRAUD';
    case 5: return 'UNMAPPED';
    default: return 'NONE';
  }
}

/** Every tenth order from the fifth on: free shipping, a tip, the EU shop (all on never-held, shipped orders). */
export function moneyOf(index: number): MoneyCase {
  switch (index % 10) {
    case 4: return 'FREE_SHIPPING';
    case 6: return 'TIP';
    case 8: return 'VAT_EUR';
    default: return 'STANDARD';
  }
}

/** Every fifth order is collected in store. */
export const shapeOf = (index: number): Shape => (index % 5 === 2 ? 'PICKUP' : 'SPLIT');

// Shopify ids pass 2^53: they are built as BigInt and only ever written as text.
const id = (base: bigint, n: number): string => (base + BigInt(n)).toString();

export function planOrders(count: number, seed: number): PlannedOrder[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const shape = shapeOf(index);
    const gate = gateOf(index);
    const money = moneyOf(index);
    const line = (j: number, product: Product, quantity: number, from: 'WAREHOUSE' | 'STORE'): PlannedLine => ({
      lineId: id(1621000000000000000n, n * 10 + j), product, quantity, from, locationRef: from === 'WAREHOUSE' ? WAREHOUSE : STORE,
    });
    let lines: PlannedLine[];
    if (shape === 'SPLIT') {
      lines = [line(1, pick(WAREHOUSE_GOODS), between(1, 3), 'WAREHOUSE'), line(2, pick(STORE_GOODS), between(1, 2), 'STORE')];
    } else {
      const first = pick(WAREHOUSE_GOODS.concat(STORE_GOODS));
      const second = pick(STORE_GOODS.filter((p) => p.sku !== first.sku));
      lines = [line(1, first, between(1, 2), 'STORE'), line(2, second, between(1, 2), 'STORE')];
    }
    if (gate === 'UNMAPPED') lines[0] = { ...lines[0], product: NEW_PRODUCT };
    const orderNumber = 20000 + n;
    const confirmation = Array.from({ length: 11 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(random() * 32)]).join('');
    return {
      index, orderId: id(6210000000000000000n, n), customerId: id(7210000000000000000n, n), shippingLineId: id(5210000000000000000n, n),
      orderNumber, name: `#${orderNumber}`, shape, gate, money, shop: money === 'VAT_EUR' ? SHOP_EU : SHOP,
      person: pick(money === 'VAT_EUR' ? EU_PEOPLE : PEOPLE), confirmation, lines,
    };
  });
}

/** Parcels the warehouse line goes out in: two when there is more than one unit. */
export const warehouseParcels = (line: PlannedLine): number => (line.quantity >= 2 ? 2 : 1);

/** What the hub should end up confirming for an order: parcels shipped and pickups handed over. */
export function expectedShipments(order: PlannedOrder): { parcels: number; pickups: number } {
  if (order.shape === 'PICKUP') return { parcels: 0, pickups: 1 };
  const warehouse = order.lines.find((l) => l.from === 'WAREHOUSE');
  return { parcels: (warehouse ? warehouseParcels(warehouse) : 0) + order.lines.filter((l) => l.from === 'STORE').length, pickups: 0 };
}
