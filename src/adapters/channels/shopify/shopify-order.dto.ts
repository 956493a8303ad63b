/**
 * The subset of Shopify's REST order JSON (the body of orders/create, orders/updated,
 * orders/paid and orders/cancelled webhooks) that the hub reads, as class-validator DTOs.
 *
 * Unknown properties are allowed (Shopify sends ~90 order fields); only the ones declared
 * here are checked. Money is always a decimal string, as Shopify prints it. Ids may be
 * strings or safe integers: the ingestion layer must parse bodies with
 * parseJsonPreservingBigIds (shopify-webhook.ts) so that 18–19 digit ids arrive as strings.
 */
import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsOptional,
  Matches,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  validateSync,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { MoneyError, parseDecimal } from '../../../canonical/money.js';
import { pruneToDeclared } from '../../validation/prune-to-declared.js';

/** An optional array of nested DTOs: the four decorators every such Shopify list needs. */
function OptionalNestedArray(type: () => new () => object): PropertyDecorator {
  const decorators: PropertyDecorator[] = [IsOptional(), IsArray(), ValidateNested({ each: true }), Type(type)];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** A Shopify numeric id as it may arrive: a digit string (bigint-safe parse) or a safe integer. */
export type ShopifyId = string | number;

/** Shopify ids have up to 20 digits; a longer "id" is not one, and would not fit an index entry. */
const DIGITS = /^\d{1,32}$/;
/** validator.js accepts "usd"; the canonical money model needs the upper-case code. */
const UPPER_CURRENCY = /^[A-Z]{3}$/;
const UPPER_CURRENCY_MESSAGE = '$property must be an upper-case ISO 4217 currency code';
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
/** Longer amount strings are refused before they are turned into big integers. */
const MAX_AMOUNT_CHARS = 40;

/**
 * Bounds on what PostgreSQL stores, checked here so that a value it would refuse is a
 * rejected delivery with its field named, not a database error retried five times.
 */
export const SHOPIFY_ORDER_LIMITS = {
  /** Units on one line: well inside int4, far beyond any real order. */
  maxLineQuantity: 1_000_000,
  /**
   * Any amount, and price × quantity of a line, in minor units. With at most maxLineItems
   * lines, sums stay below bigint's 9.2 × 10^18 with room to spare.
   */
  maxMinorUnits: 10n ** 15n,
  /** Shopify caps a cart at a few hundred lines; a 2 MiB body holds about 2,000 real ones. */
  maxLineItems: 2_000,
  /** Order times must fall between this and a day past now (clock skew); others are refused. */
  earliest: Date.parse('2000-01-01T00:00:00Z'),
  futureSlackMs: 24 * 60 * 60 * 1000,
} as const;

/** Caps on the other lists, checked on the raw body before the per-element validation runs. */
const LIST_CAPS: Readonly<Record<string, number>> = {
  line_items: SHOPIFY_ORDER_LIMITS.maxLineItems,
  shipping_lines: 100,
  discount_applications: 250,
  tax_lines: 100,
  payment_gateway_names: 50,
  risks: 100,
  refunds: 250,
  fulfillments: 250,
  transactions: 250,
};
const LINE_LIST_CAPS: Readonly<Record<string, number>> = { tax_lines: 100, discount_allocations: 250, properties: 100 };

/** A numeric id: a string of digits, or a JSON number that is still a safe integer. */
export function IsShopifyId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isShopifyId',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && DIGITS.test(value)) ||
          (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
        defaultMessage: (args) =>
          typeof args?.value === 'number' && !Number.isSafeInteger(args.value)
            ? `${args.property} is beyond 2^53 and has lost digits; parse the body with parseJsonPreservingBigIds`
            : `${args?.property ?? 'id'} must be a numeric id (digit string or safe integer)`,
      },
    },
    options,
  );
}

/** A money amount as Shopify prints it: a decimal string such as "199.00" or "1990". */
export function IsDecimalAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimalAmount',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= MAX_AMOUNT_CHARS && DECIMAL.test(value),
        defaultMessage: (args) => `${args?.property ?? 'amount'} must be a decimal string like "199.00" of at most ${MAX_AMOUNT_CHARS} characters`,
      },
    },
    options,
  );
}

/** A tax rate: Shopify prints it as a JSON number (0.06); a decimal string is accepted too. */
export function IsTaxRate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTaxRate',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isFinite(value) && value >= 0) ||
          (typeof value === 'string' && /^\d+(?:\.\d+)?(?:[eE]-?\d+)?$/.test(value)),
        defaultMessage: (args) => `${args?.property ?? 'rate'} must be a non-negative number`,
      },
    },
    options,
  );
}

export const SHOPIFY_FINANCIAL_STATUSES = [
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
  'expired',
] as const;

export const SHOPIFY_RISK_RECOMMENDATIONS = ['accept', 'investigate', 'cancel'] as const;

export class ShopifyMoneyDto {
  @IsDecimalAmount()
  amount: string;

  @IsISO4217CurrencyCode()
  @Matches(UPPER_CURRENCY, { message: UPPER_CURRENCY_MESSAGE })
  currency_code: string;
}

/** *_set fields: the same amount in the shop's and in the buyer's (presentment) currency. */
export class ShopifyMoneySetDto {
  @ValidateNested()
  @Type(() => ShopifyMoneyDto)
  shop_money: ShopifyMoneyDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneyDto)
  presentment_money?: ShopifyMoneyDto | null;
}

export class ShopifyTaxLineDto {
  @IsString()
  title: string;

  /** Tax amount in shop currency. */
  @IsDecimalAmount()
  price: string;

  @IsTaxRate()
  rate: number | string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  price_set?: ShopifyMoneySetDto | null;

  @IsOptional()
  @IsBoolean()
  channel_liable?: boolean | null;
}

export class ShopifyDiscountAllocationDto {
  /** Amount in shop currency. */
  @IsDecimalAmount()
  amount: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  amount_set?: ShopifyMoneySetDto | null;

  /** Index into the order's discount_applications. */
  @IsInt()
  @Min(0)
  discount_application_index: number;
}

export class ShopifyDiscountApplicationDto {
  /** discount_code, manual, script or automatic. */
  @IsString()
  type: string;

  @IsOptional()
  @IsString()
  target_type?: string | null;

  @IsOptional()
  @IsString()
  value?: string | null;

  @IsOptional()
  @IsString()
  value_type?: string | null;

  @IsOptional()
  @IsString()
  allocation_method?: string | null;

  @IsOptional()
  @IsString()
  target_selection?: string | null;

  /** Present for type discount_code. */
  @IsOptional()
  @IsString()
  code?: string | null;

  /** Present for manual, script and automatic discounts. */
  @IsOptional()
  @IsString()
  title?: string | null;

  @IsOptional()
  @IsString()
  description?: string | null;
}

/** Legacy line-item origin (the location the item ships from), when Shopify includes it. */
export class ShopifyOriginLocationDto {
  @IsShopifyId()
  id: ShopifyId;

  @IsOptional()
  @IsString()
  name?: string | null;
}

/** A line item property: what the buyer typed at checkout (an engraving, a gift message). */
export class ShopifyLinePropertyDto {
  @IsOptional()
  @IsString()
  name?: string | null;

  /** Shopify prints text; apps sometimes put numbers or booleans here. */
  @IsOptional()
  value?: string | number | boolean | null;
}

/** One payment transaction, as the order body carries it when the ingestion enriched it (REST Transaction). */
export class ShopifyTransactionDto {
  @IsOptional()
  @IsShopifyId()
  id?: ShopifyId | null;

  /** authorization, sale, capture, void, refund, change. */
  @IsString()
  kind: string;

  /** success, failure, error, pending. */
  @IsString()
  status: string;

  @IsString()
  gateway: string;

  @IsDecimalAmount()
  amount: string;

  /** The transaction's currency (the buyer's, when it differs from the shop's). */
  @IsOptional()
  @IsISO4217CurrencyCode()
  @Matches(UPPER_CURRENCY, { message: UPPER_CURRENCY_MESSAGE })
  currency?: string | null;

  @IsOptional()
  @IsShopifyId()
  parent_id?: ShopifyId | null;
}

export class ShopifyLineItemDto {
  @IsShopifyId()
  id: ShopifyId;

  @IsOptional()
  @IsString()
  admin_graphql_api_id?: string | null;

  /** Null for custom (non-catalogue) items. */
  @IsOptional()
  @IsShopifyId()
  variant_id?: ShopifyId | null;

  @IsOptional()
  @IsShopifyId()
  product_id?: ShopifyId | null;

  @IsOptional()
  @IsString()
  sku?: string | null;

  @IsString()
  title: string;

  @IsOptional()
  @IsString()
  name?: string | null;

  @IsOptional()
  @IsString()
  variant_title?: string | null;

  /** Quantity ordered (order edits change current_quantity, not this); the database keeps it as int4 > 0. */
  @IsInt()
  @Min(1)
  @Max(SHOPIFY_ORDER_LIMITS.maxLineQuantity)
  quantity: number;

  /** Unit price before discounts, shop currency. */
  @IsDecimalAmount()
  price: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  price_set?: ShopifyMoneySetDto | null;

  @IsBoolean()
  taxable: boolean;

  @IsBoolean()
  requires_shipping: boolean;

  @IsOptional()
  @IsBoolean()
  gift_card?: boolean | null;

  /** "manual" for merchant-fulfilled items, else the fulfillment service handle. */
  @IsOptional()
  @IsString()
  fulfillment_service?: string | null;

  @IsOptional()
  @IsString()
  fulfillment_status?: string | null;

  @OptionalNestedArray(() => ShopifyTaxLineDto)
  tax_lines?: ShopifyTaxLineDto[] | null;

  @OptionalNestedArray(() => ShopifyDiscountAllocationDto)
  discount_allocations?: ShopifyDiscountAllocationDto[] | null;

  /** POS and some apps set the location a line is fulfilled from. */
  @IsOptional()
  @IsShopifyId()
  location_id?: ShopifyId | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyOriginLocationDto)
  origin_location?: ShopifyOriginLocationDto | null;

  /** Units still on the line after order edits and refunds (quantity is what was first ordered). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(SHOPIFY_ORDER_LIMITS.maxLineQuantity)
  current_quantity?: number | null;

  @OptionalNestedArray(() => ShopifyLinePropertyDto)
  properties?: ShopifyLinePropertyDto[] | null;

  /** Units still to fulfil; 0 on a line handed over at a POS till. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(SHOPIFY_ORDER_LIMITS.maxLineQuantity)
  fulfillable_quantity?: number | null;
}

export class ShopifyShippingLineDto {
  @IsOptional()
  @IsShopifyId()
  id?: ShopifyId | null;

  @IsString()
  title: string;

  @IsOptional()
  @IsString()
  code?: string | null;

  /** "shopify" for the shop's own rates (including local pickup), else the carrier/app. */
  @IsOptional()
  @IsString()
  source?: string | null;

  /** Price before discounts, shop currency. */
  @IsDecimalAmount()
  price: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  price_set?: ShopifyMoneySetDto | null;

  @IsOptional()
  @IsDecimalAmount()
  discounted_price?: string | null;

  @IsOptional()
  @IsString()
  carrier_identifier?: string | null;

  /** Shopify's classification of the delivery method, when set (e.g. pick_up, local, shipping). */
  @IsOptional()
  @IsString()
  delivery_category?: string | null;

  @IsOptional()
  @IsBoolean()
  is_removed?: boolean | null;

  @OptionalNestedArray(() => ShopifyDiscountAllocationDto)
  discount_allocations?: ShopifyDiscountAllocationDto[] | null;

  @OptionalNestedArray(() => ShopifyTaxLineDto)
  tax_lines?: ShopifyTaxLineDto[] | null;
}

export class ShopifyCustomerDto {
  @IsShopifyId()
  id: ShopifyId;

  @IsOptional()
  @IsString()
  email?: string | null;

  @IsOptional()
  @IsString()
  first_name?: string | null;

  @IsOptional()
  @IsString()
  last_name?: string | null;
}

export class ShopifyAddressDto {
  @IsOptional() @IsString() first_name?: string | null;
  @IsOptional() @IsString() last_name?: string | null;
  @IsOptional() @IsString() name?: string | null;
  @IsOptional() @IsString() company?: string | null;
  @IsOptional() @IsString() address1?: string | null;
  @IsOptional() @IsString() address2?: string | null;
  @IsOptional() @IsString() city?: string | null;
  @IsOptional() @IsString() province?: string | null;
  @IsOptional() @IsString() province_code?: string | null;
  @IsOptional() @IsString() zip?: string | null;
  @IsOptional() @IsString() country?: string | null;
  @IsOptional() @IsString() country_code?: string | null;
  @IsOptional() @IsString() phone?: string | null;
}

/**
 * Order risk in the REST OrderRisk shape. Not part of Shopify's order webhooks: present only
 * when the ingestion layer enriches the body from the risk API.
 */
export class ShopifyOrderRiskDto {
  @IsIn(SHOPIFY_RISK_RECOMMENDATIONS as unknown as string[])
  recommendation: string;

  @IsOptional()
  @IsString()
  source?: string | null;
}

/** A line and a quantity, as refunds and fulfilments name them. */
export class ShopifyRefundLineItemDto {
  @IsShopifyId()
  line_item_id: ShopifyId;

  @IsInt()
  @Min(0)
  @Max(SHOPIFY_ORDER_LIMITS.maxLineQuantity)
  quantity: number;
}

export class ShopifyRefundDto {
  @OptionalNestedArray(() => ShopifyRefundLineItemDto)
  refund_line_items?: ShopifyRefundLineItemDto[] | null;
}

export class ShopifyFulfillmentLineItemDto {
  @IsShopifyId()
  id: ShopifyId;

  @IsInt()
  @Min(1)
  @Max(SHOPIFY_ORDER_LIMITS.maxLineQuantity)
  quantity: number;
}

/** One fulfilment carried in the order body (success, cancelled, failure…). */
export class ShopifyOrderFulfillmentDto {
  @IsShopifyId()
  id: ShopifyId;

  @IsOptional()
  @IsString()
  status?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true })
  created_at?: string | null;

  @IsOptional()
  @IsShopifyId()
  location_id?: ShopifyId | null;

  @OptionalNestedArray(() => ShopifyFulfillmentLineItemDto)
  line_items?: ShopifyFulfillmentLineItemDto[] | null;
}

export class ShopifyOrderDto {
  @IsShopifyId()
  id: ShopifyId;

  @IsOptional()
  @IsString()
  admin_graphql_api_id?: string | null;

  /** Display name, e.g. "#1001" (shop prefix/suffix included). */
  @IsString()
  @MinLength(1)
  name: string;

  @IsOptional()
  @IsInt()
  order_number?: number | null;

  @IsISO8601({ strict: true })
  created_at: string;

  @IsISO8601({ strict: true })
  updated_at: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  processed_at?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true })
  cancelled_at?: string | null;

  /** Shop currency: every plain money field of the order is in it. */
  @IsISO4217CurrencyCode()
  @Matches(UPPER_CURRENCY, { message: UPPER_CURRENCY_MESSAGE })
  currency: string;

  @IsOptional()
  @IsISO4217CurrencyCode()
  @Matches(UPPER_CURRENCY, { message: UPPER_CURRENCY_MESSAGE })
  presentment_currency?: string | null;

  /** One of SHOPIFY_FINANCIAL_STATUSES; other strings are kept and map to UNKNOWN. */
  @IsOptional()
  @IsString()
  financial_status?: string | null;

  @IsOptional()
  @IsString()
  fulfillment_status?: string | null;

  @IsBoolean()
  taxes_included: boolean;

  /** A test order (placed with a test gateway or in a development store). */
  @IsOptional()
  @IsBoolean()
  test?: boolean | null;

  @IsOptional()
  @IsBoolean()
  tax_exempt?: boolean | null;

  /** Grand total (lines − discounts + shipping + duties/tips + tax when not included). */
  @IsDecimalAmount()
  total_price: string;

  /** The totals in both currencies: presentment_money is what the buyer paid in. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  total_price_set?: ShopifyMoneySetDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  total_line_items_price_set?: ShopifyMoneySetDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  total_discounts_set?: ShopifyMoneySetDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  total_tax_set?: ShopifyMoneySetDto | null;

  /** The buyer's note on the order. */
  @IsOptional()
  @IsString()
  note?: string | null;

  /** The buyer's purchase order number (B2B checkouts, draft orders). */
  @IsOptional()
  @IsString()
  po_number?: string | null;

  /** Line items after line discounts (Shopify semantics); informational. */
  @IsOptional()
  @IsDecimalAmount()
  subtotal_price?: string | null;

  /** Sum of price × quantity over line items, before discounts. */
  @IsDecimalAmount()
  total_line_items_price: string;

  /** All discounts on the order (line and shipping). */
  @IsDecimalAmount()
  total_discounts: string;

  @IsDecimalAmount()
  total_tax: string;

  @IsOptional()
  @IsDecimalAmount()
  total_outstanding?: string | null;

  /** Tips the customer added; part of total_price. */
  @IsOptional()
  @IsDecimalAmount()
  total_tip_received?: string | null;

  /** Duties charged at checkout, and as they stand after edits or refunds; part of total_price. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  original_total_duties_set?: ShopifyMoneySetDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  current_total_duties_set?: ShopifyMoneySetDto | null;

  /** Shipping before discounts; shop_money is in the shop currency. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyMoneySetDto)
  total_shipping_price_set?: ShopifyMoneySetDto | null;

  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ShopifyLineItemDto)
  line_items: ShopifyLineItemDto[];

  @OptionalNestedArray(() => ShopifyShippingLineDto)
  shipping_lines?: ShopifyShippingLineDto[] | null;

  @OptionalNestedArray(() => ShopifyDiscountApplicationDto)
  discount_applications?: ShopifyDiscountApplicationDto[] | null;

  /** Order-level tax summary (the per-line tax_lines are the ones mapped). */
  @OptionalNestedArray(() => ShopifyTaxLineDto)
  tax_lines?: ShopifyTaxLineDto[] | null;

  /** Gateways used, in order; Shopify sends [] or [""] when nothing was charged. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  payment_gateway_names?: string[] | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyCustomerDto)
  customer?: ShopifyCustomerDto | null;

  @IsOptional()
  @IsString()
  email?: string | null;

  @IsOptional()
  @IsString()
  contact_email?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyAddressDto)
  billing_address?: ShopifyAddressDto | null;

  /** Absent for local pickup and digital-only orders. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ShopifyAddressDto)
  shipping_address?: ShopifyAddressDto | null;

  /** Comma-separated, e.g. "vip, wholesale". */
  @IsOptional()
  @IsString()
  tags?: string | null;

  /** Location where the order was processed (POS orders). */
  @IsOptional()
  @IsShopifyId()
  location_id?: ShopifyId | null;

  /** web, pos, shopify_draft_order, or an app id. */
  @IsOptional()
  @IsString()
  source_name?: string | null;

  /** Not sent by Shopify's order webhooks; see ShopifyOrderRiskDto. */
  @OptionalNestedArray(() => ShopifyOrderRiskDto)
  risks?: ShopifyOrderRiskDto[] | null;

  /** Refunds: the units they took off a line are the returns' business, not an edit of the order. */
  @OptionalNestedArray(() => ShopifyRefundDto)
  refunds?: ShopifyRefundDto[] | null;

  /** Payment transactions, when the ingestion enriched the body with them (order webhooks do not carry them). */
  @OptionalNestedArray(() => ShopifyTransactionDto)
  transactions?: ShopifyTransactionDto[] | null;

  /** Fulfilments so far; on a POS sale, the handover at the till. */
  @OptionalNestedArray(() => ShopifyOrderFulfillmentDto)
  fulfillments?: ShopifyOrderFulfillmentDto[] | null;
}

export interface ShopifyOrderFieldError {
  /** Dotted path into the body, e.g. "line_items.0.price"; "" for the body itself. */
  readonly field: string;
  readonly reason: string;
}

export type ShopifyOrderValidation =
  | { ok: true; dto: ShopifyOrderDto }
  | { ok: false; errors: ShopifyOrderFieldError[] };

/**
 * Validates a parsed webhook body: list sizes first (so a huge list is not walked element by
 * element), shape and types with class-validator plus text the database can store, then the
 * checks that span fields (amounts fit the shop currency's decimals and SHOPIFY_ORDER_LIMITS,
 * *_set shop_money is in the shop currency, discount allocations point at an existing
 * discount application, times are plausible). `now` is the clock the times are judged by.
 */
export function validateShopifyOrder(json: unknown, now: number = Date.now()): ShopifyOrderValidation {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, errors: [{ field: '', reason: 'order body must be a JSON object' }] };
  }
  const sizeErrors = checkListSizes(json as Record<string, unknown>);
  if (sizeErrors.length > 0) return { ok: false, errors: sizeErrors };
  const declared = pruneToDeclared(json, ShopifyOrderDto) as Record<string, unknown>;
  const dto = plainToInstance(ShopifyOrderDto, declared, { enableImplicitConversion: false });
  const errors = [...flattenValidationErrors(validateSync(dto, { forbidUnknownValues: false })), ...checkText(declared)];
  if (errors.length > 0) return { ok: false, errors };
  const crossFieldErrors = [...checkAmountsAndReferences(dto), ...checkTimes(dto, now)];
  if (crossFieldErrors.length > 0) return { ok: false, errors: crossFieldErrors };
  return { ok: true, dto };
}

function checkListSizes(body: Record<string, unknown>): ShopifyOrderFieldError[] {
  const errors: ShopifyOrderFieldError[] = [];
  const cap = (field: string, value: unknown, max: number): void => {
    if (Array.isArray(value) && value.length > max) errors.push({ field, reason: `has ${value.length} entries; at most ${max} are accepted` });
  };
  for (const [key, max] of Object.entries(LIST_CAPS)) cap(key, body[key], max);
  for (const list of ['line_items', 'shipping_lines']) {
    const entries = body[list];
    if (!Array.isArray(entries) || entries.length > LIST_CAPS[list]) continue;
    entries.forEach((entry: unknown, index) => {
      if (entry === null || typeof entry !== 'object') return;
      for (const [key, max] of Object.entries(LINE_LIST_CAPS)) cap(`${list}.${index}.${key}`, (entry as Record<string, unknown>)[key], max);
    });
  }
  return errors;
}

/** C0 controls other than tab, LF and CR (PostgreSQL refuses NUL in text and jsonb), and lone UTF-16 surrogates. */
const UNSTORABLE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string the hub reads (the declared fields only), walked without recursion. */
interface TextVisit {
  readonly value: unknown;
  readonly key: string;
  readonly parent: TextVisit | null;
}

/** The dotted path of a visit, built only for a value that is reported. */
function pathOf(visit: TextVisit): string {
  const keys: string[] = [];
  for (let at: TextVisit | null = visit; at !== null && at.parent !== null; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

function checkText(declared: Record<string, unknown>): ShopifyOrderFieldError[] {
  const errors: ShopifyOrderFieldError[] = [];
  const pending: TextVisit[] = [{ value: declared, key: '', parent: null }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const value = visit.value;
    if (typeof value === 'string') {
      if (UNSTORABLE_TEXT.test(value)) errors.push({ field: pathOf(visit), reason: 'contains a control character (such as NUL) or a broken surrogate pair' });
    } else if (value !== null && typeof value === 'object') {
      // Only containers are stacked with their key; a path is spelled out only for an error.
      for (const key in value) {
        const child = (value as Record<string, unknown>)[key];
        if (typeof child === 'string' ? UNSTORABLE_TEXT.test(child) : child !== null && typeof child === 'object') pending.push({ value: child, key, parent: visit });
      }
    }
  }
  return errors.reverse();
}

const TIME_FIELDS = ['created_at', 'updated_at', 'processed_at', 'cancelled_at'] as const;

/** A time far in the future would sort first in "newest first" for ever; one before 2000 is not a Shopify order. */
function checkTimes(dto: ShopifyOrderDto, now: number): ShopifyOrderFieldError[] {
  const latest = now + SHOPIFY_ORDER_LIMITS.futureSlackMs;
  return TIME_FIELDS.flatMap((field) => {
    const value = dto[field];
    if (value === null || value === undefined) return [];
    const time = Date.parse(value);
    if (Number.isNaN(time)) return [{ field, reason: `${value} is not a time` }];
    if (time < SHOPIFY_ORDER_LIMITS.earliest) return [{ field, reason: `${value} is before 2000` }];
    if (time > latest) return [{ field, reason: `${value} is more than a day in the future` }];
    return [];
  });
}

/** Turns class-validator's nested errors into one entry per failed constraint with a dotted path. */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): ShopifyOrderFieldError[] {
  const flat: ShopifyOrderFieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const reason of Object.values(error.constraints ?? {})) flat.push({ field, reason });
    if (error.children && error.children.length > 0) flat.push(...flattenValidationErrors(error.children, field));
  }
  return flat;
}

function checkAmountsAndReferences(dto: ShopifyOrderDto): ShopifyOrderFieldError[] {
  const errors: ShopifyOrderFieldError[] = [];
  const currency = dto.currency;
  const max = SHOPIFY_ORDER_LIMITS.maxMinorUnits;
  const amount = (field: string, value: string | null | undefined): bigint | null => {
    if (value === null || value === undefined) return null;
    try {
      const minor = parseDecimal(value, currency).amount;
      if (minor > max || minor < -max) {
        errors.push({ field, reason: `${value} ${currency} is out of range (at most 10^15 minor units)` });
        return null;
      }
      return minor;
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      errors.push({ field, reason: error.message });
      return null;
    }
  };
  const shopMoney = (field: string, set: ShopifyMoneySetDto | null | undefined): void => {
    if (!set) return;
    amount(`${field}.shop_money.amount`, set.shop_money.amount);
    if (set.shop_money.currency_code !== currency) {
      errors.push({
        field: `${field}.shop_money.currency_code`,
        reason: `shop_money is in ${set.shop_money.currency_code} but the order currency is ${currency}`,
      });
    }
  };
  const applications = dto.discount_applications ?? [];
  const taxLines = (path: string, lines: readonly ShopifyTaxLineDto[] | null | undefined): void => {
    (lines ?? []).forEach((line, index) => amount(`${path}.${index}.price`, line.price));
  };
  const allocations = (path: string, list: readonly ShopifyDiscountAllocationDto[] | null | undefined): void => {
    (list ?? []).forEach((allocation, index) => {
      amount(`${path}.${index}.amount`, allocation.amount);
      if (allocation.discount_application_index >= applications.length) {
        errors.push({
          field: `${path}.${index}.discount_application_index`,
          reason: `discount_application_index ${allocation.discount_application_index} has no matching discount_applications entry`,
        });
      }
    });
  };

  amount('total_price', dto.total_price);
  amount('subtotal_price', dto.subtotal_price);
  amount('total_line_items_price', dto.total_line_items_price);
  amount('total_discounts', dto.total_discounts);
  amount('total_tax', dto.total_tax);
  amount('total_outstanding', dto.total_outstanding);
  amount('total_tip_received', dto.total_tip_received);
  shopMoney('original_total_duties_set', dto.original_total_duties_set);
  shopMoney('current_total_duties_set', dto.current_total_duties_set);
  shopMoney('total_shipping_price_set', dto.total_shipping_price_set);
  taxLines('tax_lines', dto.tax_lines);
  dto.line_items.forEach((line, index) => {
    const price = amount(`line_items.${index}.price`, line.price);
    const lineTotal = price === null ? 0n : price * BigInt(line.quantity);
    if (lineTotal > max || lineTotal < -max) {
      errors.push({ field: `line_items.${index}.quantity`, reason: `${line.quantity} × ${line.price} ${currency} is out of range (at most 10^15 minor units a line)` });
    }
    taxLines(`line_items.${index}.tax_lines`, line.tax_lines);
    allocations(`line_items.${index}.discount_allocations`, line.discount_allocations);
  });
  (dto.shipping_lines ?? []).forEach((line, index) => {
    amount(`shipping_lines.${index}.price`, line.price);
    taxLines(`shipping_lines.${index}.tax_lines`, line.tax_lines);
    allocations(`shipping_lines.${index}.discount_allocations`, line.discount_allocations);
  });
  return errors;
}
