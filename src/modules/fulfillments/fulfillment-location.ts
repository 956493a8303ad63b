import type { FulfillmentSystemKind, LocationKind } from '../../canonical/fulfillment.js';
import { ApiError } from '../../platform/http/api-error.js';
import { httpUrl } from '../../platform/http/input-checks.js';

export interface FulfillmentLocationInput {
  readonly locationRef: string;
  readonly name: string;
  readonly kind: LocationKind;
  readonly system: FulfillmentSystemKind;
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly isDefault: boolean;
  readonly enabled: boolean;
}

const KINDS: readonly LocationKind[] = ['WAREHOUSE', 'STORE', 'DROP_SHIP_VENDOR'];
const SYSTEMS: readonly FulfillmentSystemKind[] = ['wms', 'store'];

function bad(field: string, message: string): never {
  throw new ApiError(400, 'VALIDATION_FAILED', message, field);
}

/** Checks an admin's location definition field by field; the API key is required and never shown again. */
export function parseFulfillmentLocation(locationRef: string, input: unknown): FulfillmentLocationInput {
  if (locationRef.length < 1 || locationRef.length > 255 || !/^[A-Za-z0-9._:-]+$/.test(locationRef)) {
    bad('locationRef', 'locationRef must be 1–255 letters, digits, dots, colons, dashes or underscores (the channel location id)');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) bad('body', 'the body must be a JSON object');
  const body = input as Record<string, unknown>;
  const known = ['name', 'kind', 'system', 'baseUrl', 'apiKey', 'isDefault', 'enabled'];
  const extra = Object.keys(body).find((k) => !known.includes(k));
  if (extra) bad(extra, `${extra} is not a field of a fulfilment location`);
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) bad('name', 'name must be 1–200 characters');
  if (!KINDS.includes(body.kind as LocationKind)) bad('kind', `kind must be one of ${KINDS.join(', ')}`);
  if (!SYSTEMS.includes(body.system as FulfillmentSystemKind)) bad('system', `system must be one of ${SYSTEMS.join(', ')}`);
  const url = httpUrl(body.baseUrl, 'baseUrl');
  if (typeof body.apiKey !== 'string' || body.apiKey.length < 8 || body.apiKey.length > 512) bad('apiKey', 'apiKey must be 8–512 characters');
  for (const flag of ['isDefault', 'enabled']) if (body[flag] !== undefined && typeof body[flag] !== 'boolean') bad(flag, `${flag} must be true or false`);
  return {
    locationRef, name: body.name.trim(), kind: body.kind as LocationKind, system: body.system as FulfillmentSystemKind,
    baseUrl: url.toString().replace(/\/$/, ''), apiKey: body.apiKey, isDefault: body.isDefault === true, enabled: body.enabled !== false,
  };
}
