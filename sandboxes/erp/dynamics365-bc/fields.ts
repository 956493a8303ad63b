/**
 * salesOrder and salesOrderLine properties of the Business Central API v2.0, with types and
 * read-only flags from ../shared/contracts/dynamics365-bc/*.resource.json (transcribed from
 * Microsoft's resource type pages). Lengths of Code/Text fields follow the Sales Header and
 * Sales Line table fields they map to; Code fields are stored in upper case, as BC does.
 */
export type BcType = 'guid' | 'string' | 'date' | 'datetime' | 'decimal' | 'integer' | 'boolean' | { readonly enum: readonly string[]; readonly edm: string };

export interface PropertySpec {
  readonly type: BcType;
  readonly readOnly?: boolean;
  readonly maxLength?: number;
  /** A Code field: BC upper-cases it (and so matches filters on it without regard to case). */
  readonly code?: boolean;
}

export type PropertyTable = Readonly<Record<string, PropertySpec>>;

const p = (type: BcType, extra: Omit<PropertySpec, 'type'> = {}): PropertySpec => ({ type, ...extra });
const s = p('string');

export const SALES_ORDER_TYPE = 'Microsoft.NAV.salesOrder';
export const SALES_ORDER_LINE_TYPE = 'Microsoft.NAV.salesOrderLine';

export const SALES_ORDER: PropertyTable = {
  id: p('guid', { readOnly: true }),
  number: p('string', { maxLength: 20, code: true }),
  externalDocumentNumber: p('string', { maxLength: 35, code: true }),
  orderDate: p('date'),
  postingDate: p('date'),
  customerId: p('guid'),
  customerNumber: p('string', { maxLength: 20, code: true }),
  customerName: p('string', { maxLength: 100 }),
  billToName: p('string', { maxLength: 100 }),
  billToCustomerId: p('guid'),
  billToCustomerNumber: p('string', { maxLength: 20, code: true }),
  shipToName: p('string', { maxLength: 100 }),
  shipToContact: p('string', { maxLength: 100 }),
  sellToAddressLine1: s, sellToAddressLine2: s, sellToCity: s, sellToCountry: s, sellToState: s, sellToPostCode: s,
  billToAddressLine1: s, billToAddressLine2: s, billToCity: s, billToCountry: s, billToState: s, billToPostCode: s,
  shipToAddressLine1: s, shipToAddressLine2: s, shipToCity: s, shipToCountry: s, shipToState: s, shipToPostCode: s,
  shortcutDimension1Code: p('string', { maxLength: 20, code: true }),
  shortcutDimension2Code: p('string', { maxLength: 20, code: true }),
  currencyId: p('guid'),
  currencyCode: p('string', { maxLength: 10, code: true }),
  pricesIncludeTax: p('boolean', { readOnly: true }),
  paymentTermsId: p('guid'),
  shipmentMethodId: p('guid'),
  salesperson: p('string', { maxLength: 20, code: true }),
  partialShipping: p('boolean'),
  requestedDeliveryDate: p('date'),
  discountAmount: p('decimal'),
  discountAppliedBeforeTax: p('boolean'),
  totalAmountExcludingTax: p('decimal', { readOnly: true }),
  totalTaxAmount: p('decimal', { readOnly: true }),
  totalAmountIncludingTax: p('decimal', { readOnly: true }),
  fullyShipped: p('boolean'),
  status: p({ enum: ['Draft', 'In Review', 'Open'], edm: 'Microsoft.NAV.salesOrderEntityBufferStatus' }),
  lastModifiedDateTime: p('datetime', { readOnly: true }),
  phoneNumber: s,
  email: s,
};

export const SALES_ORDER_LINE: PropertyTable = {
  id: p('guid', { readOnly: true }),
  documentId: p('guid'),
  sequence: p('integer'),
  itemId: p('guid'),
  accountId: p('guid'),
  lineType: p({ enum: ['Comment', 'Account', 'Item', 'Resource', 'Value', 'Fixed Asset', 'Charge'], edm: 'Microsoft.NAV.invoiceLineAggLineType' }),
  lineObjectNumber: p('string', { maxLength: 20, code: true }),
  description: p('string', { maxLength: 100 }),
  unitOfMeasureId: p('guid'),
  unitOfMeasureCode: p('string', { maxLength: 10, code: true }),
  quantity: p('decimal'),
  unitPrice: p('decimal'),
  discountAmount: p('decimal'),
  discountPercent: p('decimal'),
  discountAppliedBeforeTax: p('boolean'),
  amountExcludingTax: p('decimal', { readOnly: true }),
  taxCode: p('string', { maxLength: 20, code: true }),
  taxPercent: p('decimal', { readOnly: true }),
  totalTaxAmount: p('decimal', { readOnly: true }),
  amountIncludingTax: p('decimal', { readOnly: true }),
  invoiceDiscountAllocation: p('decimal', { readOnly: true }),
  netAmount: p('decimal', { readOnly: true }),
  netTaxAmount: p('decimal', { readOnly: true }),
  netAmountIncludingTax: p('decimal', { readOnly: true }),
  shipmentDate: p('date'),
  shippedQuantity: p('decimal', { readOnly: true }),
  invoicedQuantity: p('decimal'),
  invoiceQuantity: p('decimal', { readOnly: true }),
  shipQuantity: p('decimal'),
  itemVariantId: p('guid'),
};

/**
 * salesShipment and salesShipmentLine (read-only entities; posted by salesOrders' shipAndInvoice),
 * a subset of the API v2.0 pages (APIV2 - Sales Shipments / Sales Shipment Lines): the Sales
 * Shipment Header keeps the order's External Document No. and its Order No.
 */
export const SALES_SHIPMENT: PropertyTable = {
  id: p('guid', { readOnly: true }),
  number: p('string', { maxLength: 20, code: true, readOnly: true }),
  externalDocumentNumber: p('string', { maxLength: 35, code: true, readOnly: true }),
  invoiceDate: p('date', { readOnly: true }),
  postingDate: p('date', { readOnly: true }),
  customerId: p('guid', { readOnly: true }),
  customerNumber: p('string', { maxLength: 20, code: true, readOnly: true }),
  customerName: p('string', { maxLength: 100, readOnly: true }),
  currencyCode: p('string', { maxLength: 10, code: true, readOnly: true }),
  orderNumber: p('string', { maxLength: 20, code: true, readOnly: true }),
  lastModifiedDateTime: p('datetime', { readOnly: true }),
};

export const SALES_SHIPMENT_LINE: PropertyTable = {
  id: p('guid', { readOnly: true }),
  documentId: p('guid', { readOnly: true }),
  documentNo: p('string', { maxLength: 20, code: true, readOnly: true }),
  sequence: p('integer', { readOnly: true }),
  lineType: p({ enum: ['Comment', 'Account', 'Item', 'Resource', 'Value', 'Fixed Asset', 'Charge'], edm: 'Microsoft.NAV.invoiceLineAggLineType' }, { readOnly: true }),
  lineObjectNumber: p('string', { maxLength: 20, code: true, readOnly: true }),
  description: p('string', { maxLength: 100, readOnly: true }),
  quantity: p('decimal', { readOnly: true }),
  unitPrice: p('decimal', { readOnly: true }),
  shipmentDate: p('date', { readOnly: true }),
};

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** BC returns every property; unset ones carry the type's empty value. */
export function emptyValue(type: BcType): unknown {
  if (typeof type === 'object') return type.enum[0];
  switch (type) {
    case 'guid': return EMPTY_GUID;
    case 'string': return '';
    case 'date': return '0001-01-01';
    case 'datetime': return '0001-01-01T00:00:00Z';
    case 'decimal': case 'integer': return 0;
    case 'boolean': return false;
  }
}

export function withDefaults(table: PropertyTable, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) out[name] = values[name] ?? emptyValue(spec.type);
  return out;
}
