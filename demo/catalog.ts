/**
 * The demo shop: its domain, its two fulfilment locations and what it sells. The mappings
 * in fixtures/mappings.csv name the same SKUs and locations, except the gooseneck kettle,
 * a new product the ERP has not been told about yet (the UNMAPPED scenario).
 */
export const SHOP = 'demo-outfitters.myshopify.com';
/** The same brand's EU storefront: a shop of its own, in euros, with VAT included in its prices. */
export const SHOP_EU = 'demo-outfitters-eu.myshopify.com';
/** The ERP item the tip goes to (ITEM mapping charge:tip). */
export const TIP_ITEM_ID = '1290';
/** Shopify location ids: the Newark warehouse (run by a WMS, the default) and the Brooklyn store. */
export const WAREHOUSE = '72000000001';
export const STORE = '72000000002';

export interface Product {
  readonly sku: string;
  readonly title: string;
  readonly variantTitle: string | null;
  readonly vendor: string;
  readonly cents: bigint;
  readonly grams: number;
  readonly productId: string;
  readonly variantId: string;
}

const product = (sku: string, title: string, variantTitle: string | null, vendor: string, cents: bigint, grams: number, n: number): Product => ({
  sku, title, variantTitle, vendor, cents, grams, productId: `80123456789012345${String(n).padStart(2, '0')}`, variantId: `47123456789012345${String(n).padStart(2, '0')}`,
});

/** Bulky goods ship from the warehouse. */
export const WAREHOUSE_GOODS: readonly Product[] = [
  product('MER-CREW-NVY-M', 'Merino Crew Sweater', 'Navy / M', 'Northwind Outfitters', 8900n, 420, 1),
  product('BEANIE-WOOL-GRY', 'Wool Beanie', 'Grey', 'Northwind Outfitters', 3200n, 90, 2),
  product('GRIND-CONICAL-SS', 'Conical Burr Espresso Grinder', 'Stainless', 'Brewline', 24900n, 2800, 3),
];

/** Small goods the store keeps on its shelves. */
export const STORE_GOODS: readonly Product[] = [
  product('SOCK-TRAIL-3PK', 'Trail Socks 3-Pack', 'Charcoal', 'Northwind Outfitters', 2450n, 180, 4),
  product('DESCALE-TABS-12', 'Descaling Tablets (12)', null, 'Brewline', 1200n, 120, 5),
  product('MUG-ENAMEL-WHT', 'Enamel Camp Mug', 'White', 'Brewline', 1800n, 260, 6),
];

/** Launched after the mappings were loaded: orders carrying it wait until someone maps it. */
export const NEW_PRODUCT: Product = product('KETTLE-GOOSE-BLK', 'Gooseneck Pour-Over Kettle', 'Matte Black', 'Brewline', 7900n, 1100, 7);
/** Its ERP item id, added through the admin API once the held orders show up. */
export const NEW_PRODUCT_ITEM_ID = '1207';

export interface Person {
  readonly first: string;
  readonly last: string;
  readonly address1: string;
  readonly city: string;
  readonly zip: string;
}

export const PEOPLE: readonly Person[] = [
  { first: 'Maya', last: 'Okafor', address1: '212 Wythe Ave', city: 'Brooklyn', zip: '11249' },
  { first: 'Jonas', last: 'Berg', address1: '48 Alder Street', city: 'Queens', zip: '11101' },
  { first: 'Lena', last: 'Fischer', address1: '88 Mercer St', city: 'New York', zip: '10012' },
  { first: 'Ravi', last: 'Menon', address1: '310 Court St', city: 'Brooklyn', zip: '11231' },
  { first: 'Ana', last: 'Souza', address1: '19 Bedford Ave', city: 'Brooklyn', zip: '11211' },
  { first: 'Tom', last: 'Whitaker', address1: '501 W 45th St', city: 'New York', zip: '10036' },
  { first: 'Keiko', last: 'Tanaka', address1: '72 Steinway St', city: 'Astoria', zip: '11103' },
  { first: 'Omar', last: 'Haddad', address1: '145 Atlantic Ave', city: 'Brooklyn', zip: '11201' },
];

/** Customers of the EU shop. */
export const EU_PEOPLE: readonly Person[] = [
  { first: 'Camille', last: 'Laurent', address1: '14 Rue de Bretagne', city: 'Paris', zip: '75003' },
  { first: 'Hugo', last: 'Marchand', address1: '9 Quai Saint-Vincent', city: 'Lyon', zip: '69001' },
];
