/**
 * The salesOrder fields the sandbox accepts, with their types. Names and types follow the
 * record/v1 salesOrder field list in ../shared/contracts/netsuite (derived from Oracle's REST
 * API Browser, 2020.2); that list is reference-only, so this is a hand-picked subset (what an
 * order posting uses), not a copy. Enum lists there are truncated, so country fields are only
 * checked for shape. Item-line fields (the salesOrderItem sublist) are not in that list and
 * follow NetSuite's documented sublist (item, quantity, rate, amount, price, location, taxCode).
 */

/** ref: a record reference, {"id": "107"} or {"externalId": "..."}; country: "US" or {"id": "US"}. */
export type NsType =
  | 'string' | 'float' | 'int' | 'bool' | 'date' | 'ref' | 'country' | 'address'
  | { readonly enum: readonly string[] }
  | { readonly sublist: FieldTable };

export interface FieldSpec {
  readonly type: NsType;
  /** The label NetSuite names in "Please enter value(s) for: ..." when it is missing. */
  readonly requiredLabel?: string;
  /** Server-set: refused in a request body. */
  readonly readOnly?: boolean;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

const t = (type: NsType, extra: Omit<FieldSpec, 'type'> = {}): FieldSpec => ({ type, ...extra });

export const ADDRESS_FIELDS: FieldTable = {
  addr1: t('string'), addr2: t('string'), addr3: t('string'), addressee: t('string'), attention: t('string'),
  addrPhone: t('string'), city: t('string'), state: t('string'), zip: t('string'), country: t('country'),
  override: t('bool'),
};

export const ITEM_LINE_FIELDS: FieldTable = {
  item: t('ref', { requiredLabel: 'Item' }),
  quantity: t('float'),
  rate: t('float'),
  amount: t('float'),
  grossAmt: t('float'),
  price: t('ref'),
  description: t('string'),
  location: t('ref'),
  inventoryLocation: t('ref'),
  department: t('ref'),
  class: t('ref'),
  units: t('ref'),
  taxCode: t('ref'),
  taxRate1: t('float'),
  tax1Amt: t('float'),
  isTaxable: t('bool'),
  taxDetailsReference: t('string'),
  line: t('int'),
  isClosed: t('bool'),
  expectedShipDate: t('date'),
  // Kept by NetSuite as item fulfilments are saved against the line.
  quantityFulfilled: t('float', { readOnly: true }),
};

export const TAX_DETAIL_FIELDS: FieldTable = {
  taxDetailsReference: t('string'),
  lineType: t('string'),
  lineName: t('string'),
  taxType: t('ref'),
  taxCode: t('ref'),
  taxBasis: t('float'),
  taxRate: t('float'),
  taxAmount: t('float'),
  calcDetail: t('string'),
};

export const SALES_ORDER_FIELDS: FieldTable = {
  externalId: t('string'),
  tranId: t('string'),
  tranDate: t('date'),
  entity: t('ref', { requiredLabel: 'Customer' }),
  currency: t('ref'),
  exchangeRate: t('float'),
  subsidiary: t('ref'),
  location: t('ref'),
  department: t('ref'),
  class: t('ref'),
  customForm: t('ref'),
  memo: t('string'),
  otherRefNum: t('string'),
  orderStatus: t({ enum: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'Y'] }),
  startDate: t('date'),
  endDate: t('date'),
  shipDate: t('date'),
  email: t('string'),
  saleschannel: t('ref'),
  salesRep: t('ref'),
  partner: t('ref'),
  leadSource: t('ref'),
  terms: t('ref'),
  paymentMethod: t('ref'),
  promoCode: t('ref'),
  discountItem: t('ref'),
  discountRate: t('float'),
  // Computed by NetSuite from the lines, discount, shipping and tax (totals.ts): read-only.
  discountTotal: t('float', { readOnly: true }),
  shipMethod: t('ref'),
  shippingCost: t('float'),
  shippingTaxCode: t('ref'),
  handlingCost: t('float'),
  shipComplete: t('bool'),
  shipIsResidential: t('bool'),
  isTaxable: t('bool'),
  taxItem: t('ref'),
  taxRate: t('float'),
  taxTotal: t('float', { readOnly: true }),
  taxDetailsOverride: t('bool'),
  taxRegOverride: t('bool'),
  taxPointDate: t('date'),
  pricesIncludeTax: t('bool'),
  subtotal: t('float', { readOnly: true }),
  total: t('float', { readOnly: true }),
  billingaddress: t('address'),
  shippingAddress: t('address'),
  billAddr1: t('string'), billAddr2: t('string'), billAddr3: t('string'), billCity: t('string'),
  billState: t('string'), billZip: t('string'), billCountry: t('country'),
  billaddressee: t('string'), billattention: t('string'), billphone: t('string'),
  shipAddr1: t('string'), shipAddr2: t('string'), shipAddr3: t('string'), shipCity: t('string'),
  shipState: t('string'), shipZip: t('string'), shipCountry: t('country'),
  shipAddressee: t('string'), shipAttention: t('string'), shipPhone: t('string'),
  item: t({ sublist: ITEM_LINE_FIELDS }, { requiredLabel: 'Items' }),
  taxDetails: t({ sublist: TAX_DETAIL_FIELDS }),
  id: t('string', { readOnly: true }),
  links: t('string', { readOnly: true }),
  refName: t('string', { readOnly: true }),
  createdDate: t('string', { readOnly: true }),
  lastModifiedDate: t('string', { readOnly: true }),
};

/** Account-specific custom fields exist on every real account: custbody_* on the header, custcol_* on lines. */
export const CUSTOM_BODY_FIELD = /^custbody[a-z0-9_]+$/;
export const CUSTOM_LINE_FIELD = /^custcol[a-z0-9_]+$/;

/**
 * itemFulfillment header fields the sandbox accepts: a subset of the record/v1 itemFulfillment field
 * list (ItemFulfillment.fields.json in the contracts), with its types. shipStatus is A (Picked),
 * B (Packed) or C (Shipped). entity and createdFrom come from the sales order being transformed.
 */
export const FULFILLMENT_LINE_FIELDS: FieldTable = {
  // The sales order line this fulfilment line draws on; how a transform's lines are merged.
  orderLine: t('int'),
  itemReceive: t('bool'),
  quantity: t('float'),
  location: t('ref'),
  item: t('ref'),
  description: t('string'),
  line: t('int', { readOnly: true }),
  quantityRemaining: t('float', { readOnly: true }),
};

export const PACKAGE_FIELDS: FieldTable = {
  packageTrackingNumber: t('string'),
  packageDescr: t('string'),
  packageWeight: t('float'),
};

export const ITEM_FULFILLMENT_FIELDS: FieldTable = {
  externalId: t('string'),
  tranId: t('string'),
  tranDate: t('date'),
  memo: t('string'),
  shipStatus: t({ enum: ['A', 'B', 'C'] }),
  shipMethod: t('ref'),
  shipCarrier: t('string'),
  shippingCost: t('float'),
  handlingCost: t('float'),
  department: t('ref'),
  class: t('ref'),
  customForm: t('ref'),
  item: t({ sublist: FULFILLMENT_LINE_FIELDS }),
  package: t({ sublist: PACKAGE_FIELDS }),
  entity: t('ref', { readOnly: true }),
  createdFrom: t('ref', { readOnly: true }),
  id: t('string', { readOnly: true }),
  links: t('string', { readOnly: true }),
  refName: t('string', { readOnly: true }),
  createdDate: t('string', { readOnly: true }),
  lastModifiedDate: t('string', { readOnly: true }),
};

/**
 * Return records (ReturnAuthorization.fields.json, CreditMemo.fields.json in the contracts; the item
 * receipt as the fulfilment): a subset with their types. entity, currency and createdFrom come from
 * the record transformed; totals are NetSuite's. `orderLine` ties a line to the line it comes from.
 */
const SERVER_SET: FieldTable = {
  entity: t('ref', { readOnly: true }),
  createdFrom: t('ref', { readOnly: true }),
  currency: t('ref', { readOnly: true }),
  status: t('string', { readOnly: true }),
  id: t('string', { readOnly: true }),
  links: t('string', { readOnly: true }),
  refName: t('string', { readOnly: true }),
  createdDate: t('string', { readOnly: true }),
  lastModifiedDate: t('string', { readOnly: true }),
};

const TRANSACTION_HEADER: FieldTable = {
  externalId: t('string'), tranId: t('string'), tranDate: t('date'), memo: t('string'), location: t('ref'),
  department: t('ref'), class: t('ref'), customForm: t('ref'), ...SERVER_SET,
};

export const RETURN_LINE_FIELDS: FieldTable = {
  orderLine: t('int'), item: t('ref'), quantity: t('float'), rate: t('float'), amount: t('float'), description: t('string'),
  location: t('ref'), taxCode: t('ref'), taxDetailsReference: t('string'), price: t('ref'),
  line: t('int', { readOnly: true }), quantityReceived: t('float', { readOnly: true }), quantityBilled: t('float', { readOnly: true }),
};

export const RETURN_AUTHORIZATION_FIELDS: FieldTable = {
  ...TRANSACTION_HEADER, otherRefNum: t('string'),
  orderStatus: t({ enum: ['A', 'B'] }),
  item: t({ sublist: RETURN_LINE_FIELDS }),
  subtotal: t('float', { readOnly: true }), total: t('float', { readOnly: true }),
};

export const RECEIPT_LINE_FIELDS: FieldTable = {
  orderLine: t('int'), itemReceive: t('bool'), quantity: t('float'), location: t('ref'), item: t('ref'), description: t('string'),
  line: t('int', { readOnly: true }),
};

export const ITEM_RECEIPT_FIELDS: FieldTable = { ...TRANSACTION_HEADER, item: t({ sublist: RECEIPT_LINE_FIELDS }) };

export const CREDIT_MEMO_FIELDS: FieldTable = {
  ...TRANSACTION_HEADER, otherRefNum: t('string'), account: t('ref'),
  pricesIncludeTax: t('bool'), taxDetailsOverride: t('bool'), taxDetails: t({ sublist: TAX_DETAIL_FIELDS }),
  shippingCost: t('float'), shippingTaxCode: t('ref'),
  item: t({ sublist: RETURN_LINE_FIELDS }),
  subtotal: t('float', { readOnly: true }), discountTotal: t('float', { readOnly: true }), taxTotal: t('float', { readOnly: true }),
  total: t('float', { readOnly: true }), amountRemaining: t('float', { readOnly: true }),
};

/** A cash refund: a credit memo's lines and tax, paid out of an account (or by a payment method) at once. */
export const CASH_REFUND_FIELDS: FieldTable = { ...CREDIT_MEMO_FIELDS, paymentMethod: t('ref'), undepFunds: t('bool') };

export const REFUND_APPLY_FIELDS: FieldTable = {
  doc: t('ref'), apply: t('bool'), amount: t('float'), line: t('int', { readOnly: true }),
};

/** customerRefund (CustomerRefund.fields.json): money paid back out of `account`, applied to credit memos. */
export const CUSTOMER_REFUND_FIELDS: FieldTable = {
  externalId: t('string'), tranId: t('string'), tranDate: t('date'), memo: t('string'),
  customer: t('ref', { requiredLabel: 'Customer' }), account: t('ref', { requiredLabel: 'Account' }),
  paymentMethod: t('ref'), department: t('ref'), class: t('ref'), location: t('ref'), subsidiary: t('ref'),
  apply: t({ sublist: REFUND_APPLY_FIELDS }),
  total: t('float', { readOnly: true }), currency: t('ref', { readOnly: true }),
  status: t('string', { readOnly: true }), id: t('string', { readOnly: true }), links: t('string', { readOnly: true }),
  refName: t('string', { readOnly: true }), createdDate: t('string', { readOnly: true }), lastModifiedDate: t('string', { readOnly: true }),
};

/**
 * cashSale (CashSale.fields.json): the sales order's fields a counter sale uses, and the payment —
 * paymentMethod, undepFunds (to Undeposited Funds) or account (the deposit account).
 */
export const CASH_SALE_FIELDS: FieldTable = {
  ...SALES_ORDER_FIELDS,
  paymentMethod: t('ref'),
  undepFunds: t('bool'),
  account: t('ref'),
};
