import type { ErpVariant } from '../../adapters/erp/erp-adapter.port.js';
import { ERP_VARIANT_CODES, erpVariant } from '../../adapters/erp/erp-variants.js';
import { CHANNEL_CODES } from '../../adapters/channels/registry.js';
import { ApiError } from '../../platform/http/api-error.js';
import { httpUrl } from '../../platform/http/input-checks.js';
import { parseTargetSettings, type ErpTargetSettings } from './erp-target-settings.js';

/** Which orders a target receives; an absent list means every value. */
export interface ErpRouting {
  readonly channels?: readonly string[];
  readonly accounts?: readonly string[];
}

export interface ErpTarget {
  readonly id: string;
  readonly variant: ErpVariant;
  readonly baseUrl: string;
  readonly credentials: Readonly<Record<string, string>>;
  /** Non-secret, shown back: see erp-target-settings.ts. */
  readonly settings: ErpTargetSettings;
  readonly concurrencyCap: number;
  readonly rateLimitPerSecond: number | null;
  readonly timeoutMs: number;
  readonly routing: ErpRouting;
  readonly enabled: boolean;
}

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function bad(field: string, message: string): never {
  throw new ApiError(400, 'VALIDATION_FAILED', message, field);
}

function integerIn(value: unknown, field: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) bad(field, `${field} must be a whole number from ${min} to ${max}`);
  return value;
}

function stringList(value: unknown, field: string, allowed?: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v === '')) bad(field, `${field} must be a non-empty list of strings`);
  const unknown = allowed ? value.find((v) => !allowed.includes(v)) : undefined;
  if (unknown) bad(field, `${field} has an unknown value ${unknown}`);
  return value as string[];
}

/** Checks an admin's target definition, field by field, into a target. */
export function parseErpTarget(id: string, input: unknown): ErpTarget {
  if (!ID.test(id)) bad('id', 'id must be 1–63 lower-case letters, digits or dashes');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) bad('body', 'the body must be a JSON object');
  const body = input as Record<string, unknown>;
  const variant = body.variant;
  const definition = typeof variant === 'string' ? erpVariant(variant) : undefined;
  if (typeof variant !== 'string' || !definition) bad('variant', `variant must be one of ${ERP_VARIANT_CODES.join(', ')}`);
  const baseUrl = httpUrl(body.baseUrl, 'baseUrl');
  const credentials = body.credentials;
  if (credentials === null || typeof credentials !== 'object' || Array.isArray(credentials)) bad('credentials', 'credentials must be an object');
  for (const name of definition.requiredCredentials) {
    const value = (credentials as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value === '') bad(`credentials.${name}`, `credentials.${name} is required for ${variant}`);
  }
  const routing = (body.routing ?? {}) as Record<string, unknown>;
  if (typeof routing !== 'object' || Array.isArray(routing)) bad('routing', 'routing must be an object');
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') bad('enabled', 'enabled must be true or false');
  return {
    id,
    variant,
    baseUrl: baseUrl.toString().replace(/\/$/, ''),
    credentials: Object.fromEntries(Object.entries(credentials as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    settings: parseTargetSettings(variant, body.settings),
    concurrencyCap: integerIn(body.concurrencyCap, 'concurrencyCap', 1, 1000, 5),
    rateLimitPerSecond: body.rateLimitPerSecond === undefined || body.rateLimitPerSecond === null ? null : integerIn(body.rateLimitPerSecond, 'rateLimitPerSecond', 1, 100_000),
    timeoutMs: integerIn(body.timeoutMs, 'timeoutMs', 100, 600_000, 30_000),
    routing: {
      channels: stringList(routing.channels, 'routing.channels', CHANNEL_CODES),
      accounts: stringList(routing.accounts, 'routing.accounts'),
    },
    enabled: body.enabled === undefined ? true : body.enabled === true,
  };
}
