import { CHANNEL_CODES, normaliseAccount } from '../../adapters/channels/registry.js';
import { isPaymentProvider, PAYMENT_PROVIDER_CODES } from '../../adapters/payments/providers.js';

/**
 * What can be mapped, what each kind maps to, and the one validator every entry point
 * (REST, GraphQL, CSV import) runs, so a mapping is judged the same way wherever it comes
 * from. The migration's CHECK constraints repeat the required target fields in SQL.
 * @since 0.2.0
 */
export const MAPPING_KINDS = ['ITEM', 'LOCATION', 'TAX_CODE', 'TENDER', 'CUSTOMER', 'RETURN_REASON', 'FEE_TYPE', 'DISPOSITION'] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

/**
 * The channels a mapping may be keyed by: the order channels, and the payment providers whose
 * settlement fees map to GL accounts (FEE_TYPE only: a provider has no items, taxes or customers).
 */
export const MAPPING_CHANNELS: readonly string[] = [...CHANNEL_CODES, ...PAYMENT_PROVIDER_CODES];

export function channelAllowed(kind: unknown, channel: string): boolean {
  return (CHANNEL_CODES as readonly string[]).includes(channel) || (kind === 'FEE_TYPE' && isPaymentProvider(channel));
}

/** The ERP-side fields each kind's target must carry; no others are accepted. */
export const TARGET_FIELDS: Readonly<Record<MappingKind, readonly string[]>> = {
  ITEM: ['itemId'],
  LOCATION: ['locationId', 'subsidiaryId'],
  TAX_CODE: ['taxCode'],
  TENDER: ['paymentMethod', 'clearingAccount'],
  CUSTOMER: ['customerId'],
  RETURN_REASON: ['reason'],
  FEE_TYPE: ['glAccount'],
  DISPOSITION: ['locationId'],
};

/**
 * Fields a kind's target may carry besides its required ones:
 *  - TAX_CODE taxAccount: the tax liability account the jurisdiction's tax is booked to where the
 *    ERP target takes the channel's tax as explicit lines (taxMode CHANNEL_AMOUNTS, Business Central);
 *  - ITEM lineType: the ERP line type an order charge (charge:tip, …) is sent as (Business Central:
 *    Item, Account, Resource, Charge, Fixed Asset).
 *  - DISPOSITION writeOffAccount: where returned goods that do not come back into stock (scrap) are
 *    written off; the disposition's locationId is where goods that do come back are received.
 */
export const OPTIONAL_TARGET_FIELDS: Readonly<Record<MappingKind, readonly string[]>> = {
  ITEM: ['lineType'], LOCATION: [], TAX_CODE: ['taxAccount'], TENDER: [], CUSTOMER: [], RETURN_REASON: [], FEE_TYPE: [],
  DISPOSITION: ['writeOffAccount'],
};

/** Every field any kind's target may have, for the GraphQL target type. */
export const ALL_TARGET_FIELDS: readonly string[] = [...new Set([...Object.values(TARGET_FIELDS), ...Object.values(OPTIONAL_TARGET_FIELDS)].flat())];

/** A CUSTOMER mapping with this source value is the account's default customer. */
export const DEFAULT_CUSTOMER = '*';

export type MappingTarget = Readonly<Record<string, string>>;

/** The identity of a mapping (stable across its versions) plus what it maps to and why. */
export interface MappingDraft {
  readonly kind: MappingKind;
  readonly channel: string;
  /** null: every account of the channel. */
  readonly account: string | null;
  /** null: every ERP target. */
  readonly erpTarget: string | null;
  readonly sourceValue: string;
  readonly target: MappingTarget;
  readonly note: string;
}

export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

const SCOPE = /^[A-Za-z0-9._:@/-]+$/;
/** PostgreSQL text cannot hold NUL; refusing it here keeps it a 400, not a 500. */
const hasNul = (value: string) => value.includes('\u0000');
const MAX_SCOPE = 255;
const MAX_VALUE = 500;
const MAX_NOTE = 2000;

export function isMappingKind(value: unknown): value is MappingKind {
  return typeof value === 'string' && (MAPPING_KINDS as readonly string[]).includes(value);
}

/** A target for a kind: exactly that kind's fields, each a non-empty string. */
export function checkTarget(kind: MappingKind, value: unknown, field = 'target'): Checked<MappingTarget> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(field, `must be an object with ${TARGET_FIELDS[kind].join(', ')}`);
  }
  const errors: FieldError[] = [];
  const target: Record<string, string> = {};
  const given = value as Record<string, unknown>;
  for (const name of TARGET_FIELDS[kind]) {
    const v = given[name];
    if (typeof v !== 'string' || v.trim() === '') errors.push({ field: `${field}.${name}`, reason: `${kind} needs ${name}, a non-empty string` });
    else if (hasNul(v)) errors.push({ field: `${field}.${name}`, reason: 'must not contain NUL characters' });
    else if (v.length > MAX_SCOPE) errors.push({ field: `${field}.${name}`, reason: `must be at most ${MAX_SCOPE} characters` });
    else target[name] = v.trim();
  }
  for (const name of OPTIONAL_TARGET_FIELDS[kind]) {
    const v = given[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.trim() === '') errors.push({ field: `${field}.${name}`, reason: 'must be a non-empty string when given' });
    else if (hasNul(v)) errors.push({ field: `${field}.${name}`, reason: 'must not contain NUL characters' });
    else if (v.length > MAX_SCOPE) errors.push({ field: `${field}.${name}`, reason: `must be at most ${MAX_SCOPE} characters` });
    else target[name] = v.trim();
  }
  for (const name of Object.keys(given)) {
    // A field of another kind is nearly always a typo or the wrong kind; keeping it would hide that.
    const known = TARGET_FIELDS[kind].includes(name) || OPTIONAL_TARGET_FIELDS[kind].includes(name);
    if (!known && given[name] !== undefined && given[name] !== null) {
      errors.push({ field: `${field}.${name}`, reason: `is not a ${kind} target field (expected ${TARGET_FIELDS[kind].join(', ')})` });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: target };
}

/** A required "why" for every change. */
export function checkNote(value: unknown, field = 'note'): Checked<string> {
  if (typeof value !== 'string' || value.trim() === '') return fail(field, 'is required: say why this mapping changes');
  if (value.length > MAX_NOTE) return fail(field, `must be at most ${MAX_NOTE} characters`);
  if (hasNul(value)) return fail(field, 'must not contain NUL characters');
  return { ok: true, value: value.trim() };
}

/** Field names as the caller spells them: camelCase for JSON and GraphQL, the header for CSV. */
export interface DraftFieldNames {
  readonly kind: string;
  readonly channel: string;
  readonly account: string;
  readonly erpTarget: string;
  readonly sourceValue: string;
  readonly target: string;
  readonly note: string;
}

export const JSON_FIELDS: DraftFieldNames = {
  kind: 'kind', channel: 'channel', account: 'account', erpTarget: 'erpTarget', sourceValue: 'sourceValue', target: 'target', note: 'note',
};

/**
 * Validates a whole new mapping and normalises it: scopes given as '' or absent mean
 * "every"; Shopify accounts are lower-cased as the webhook path stores them. Every error
 * is reported, not only the first, so an import can list them all.
 */
export function checkDraft(input: unknown, names: DraftFieldNames = JSON_FIELDS): Checked<MappingDraft> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('body', 'must be a JSON object');
  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const kind = raw.kind;
  if (!isMappingKind(kind)) errors.push({ field: names.kind, reason: `must be one of ${MAPPING_KINDS.join(', ')}` });
  const channel = raw.channel;
  if (typeof channel !== 'string' || !channelAllowed(kind, channel)) {
    errors.push({ field: names.channel, reason: `must be one of ${(kind === 'FEE_TYPE' ? MAPPING_CHANNELS : CHANNEL_CODES).join(', ')}` });
  }
  const account = scope(raw.account, names.account, errors);
  const erpTarget = scope(raw.erpTarget, names.erpTarget, errors);
  const sourceValue = raw.sourceValue;
  if (typeof sourceValue !== 'string' || sourceValue.trim() === '') {
    errors.push({ field: names.sourceValue, reason: 'is required and must not be empty' });
  } else if (sourceValue !== sourceValue.trim()) {
    errors.push({ field: names.sourceValue, reason: 'must not start or end with spaces (channel keys are matched exactly)' });
  } else if (hasNul(sourceValue)) {
    errors.push({ field: names.sourceValue, reason: 'must not contain NUL characters' });
  } else if (sourceValue.length > MAX_VALUE) {
    errors.push({ field: names.sourceValue, reason: `must be at most ${MAX_VALUE} characters` });
  } else if (sourceValue === DEFAULT_CUSTOMER && isMappingKind(kind) && kind !== 'CUSTOMER') {
    errors.push({ field: names.sourceValue, reason: `"${DEFAULT_CUSTOMER}" (the default) exists only for CUSTOMER mappings` });
  }
  let target: MappingTarget | undefined;
  if (isMappingKind(kind)) {
    const checked = checkTarget(kind, raw.target, names.target);
    if (checked.ok) target = checked.value;
    else errors.push(...checked.errors);
  }
  const note = checkNote(raw.note, names.note);
  if (!note.ok) errors.push(...note.errors);
  if (errors.length || !target || !note.ok) return { ok: false, errors };
  const normalisedAccount = account !== null ? normaliseAccount(channel as string, account) : account;
  return {
    ok: true,
    value: { kind: kind as MappingKind, channel: channel as string, account: normalisedAccount, erpTarget, sourceValue: sourceValue as string, target, note: note.value },
  };
}

function scope(value: unknown, field: string, errors: FieldError[]): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !SCOPE.test(value) || value.length > MAX_SCOPE) {
    errors.push({ field, reason: `must be empty (every) or up to ${MAX_SCOPE} characters of letters, digits and . _ : @ / -` });
    return null;
  }
  return value;
}

function fail<T>(field: string, reason: string): Checked<T> {
  return { ok: false, errors: [{ field, reason }] };
}

/** Two targets are the same mapping when they hold the same fields and values. */
export function sameTarget(a: MappingTarget, b: MappingTarget): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
