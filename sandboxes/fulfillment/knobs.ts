/**
 * The knobs a WMS or store sandbox keeps beside the common ones: where confirmations go, how
 * failed ones are retried, and whether requests ship by themselves.
 */
import { KnobError } from '../erp/shared/knobs.js';
import type { ExtraKnobs } from '../erp/shared/server.js';
import type { CallbackSettings } from './callbacks.js';

/** Ship every new request afterMs after it arrives (pickups: ready, then picked up afterMs later). */
export interface AutoShip {
  readonly afterMs: number;
  /** With 2, the first parcel carries about half the units and the second the rest. */
  readonly parcels: 1 | 2;
}

export interface Settings {
  autoShip: AutoShip | null;
  callback: CallbackSettings;
}

type Json = Record<string, unknown>;

function whole(name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new KnobError(`${name} must be a whole number >= ${min}`);
  return value;
}

function autoShip(value: unknown): AutoShip | null {
  if (value === null || value === false) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new KnobError('autoShip must be null or { afterMs, parcels: 1 | 2 }');
  const { afterMs, parcels = 1 } = value as Json;
  if (parcels !== 1 && parcels !== 2) throw new KnobError('autoShip.parcels must be 1 or 2');
  return { afterMs: whole('autoShip.afterMs', afterMs), parcels };
}

function url(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    try {
      if (['http:', 'https:'].includes(new URL(value).protocol)) return value;
    } catch {
      // falls through to the error below
    }
  }
  throw new KnobError('callbackUrl must be null or an http(s) URL');
}

function secret(value: unknown): string | null {
  if (value === null || (typeof value === 'string' && value !== '')) return value;
  throw new KnobError('callbackSecret must be null or a non-empty string');
}

export function autoShipKnobs(settings: Settings): ExtraKnobs {
  return {
    keys: ['autoShip', 'callbackUrl', 'callbackSecret', 'callbackRetries', 'callbackRetryDelayMs', 'callbackTimeoutMs'],
    prepare(patch) {
      const next: { autoShip: AutoShip | null; callback: { -readonly [K in keyof CallbackSettings]: CallbackSettings[K] } } = {
        autoShip: settings.autoShip, callback: { ...settings.callback },
      };
      for (const [key, value] of Object.entries(patch)) {
        if (key === 'autoShip') next.autoShip = autoShip(value);
        else if (key === 'callbackUrl') next.callback.url = url(value);
        else if (key === 'callbackSecret') next.callback.secret = secret(value);
        else if (key === 'callbackRetries') next.callback.retries = whole(key, value);
        else if (key === 'callbackRetryDelayMs') next.callback.retryDelayMs = whole(key, value);
        else if (key === 'callbackTimeoutMs') next.callback.timeoutMs = whole(key, value, 1);
      }
      return () => {
        settings.autoShip = next.autoShip;
        settings.callback = next.callback;
      };
    },
    // The secret is write-only, as the hub's own secrets are.
    show: () => ({
      autoShip: settings.autoShip, callbackUrl: settings.callback.url, callbackSecretSet: settings.callback.secret !== null,
      callbackRetries: settings.callback.retries, callbackRetryDelayMs: settings.callback.retryDelayMs, callbackTimeoutMs: settings.callback.timeoutMs,
    }),
  };
}
