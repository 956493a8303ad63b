/**
 * Fault and behaviour knobs of a sandbox run. Set at start (CLI flags or options) and changed
 * while running through `POST /_sandbox/knobs`, so one sandbox process can serve a whole test
 * file or benchmark with different fault mixes.
 */
export type CommitTimeoutMode = 'destroy' | 'delay';

export interface Knobs {
  /** Added to every API request while it holds a concurrency slot: fixed, or [min, max]. */
  readonly latencyMs: number | readonly [number, number];
  /** Share of API requests answered with a 5xx before anything is stored. */
  readonly errorRate: number;
  /** Share of API requests answered 429 (as if throttled) before anything is stored. */
  readonly rate429: number;
  /** Share of writes that are stored and then never answered in time. */
  readonly commitTimeoutRate: number;
  /** destroy: the socket is closed after the commit; delay: the answer comes after commitTimeoutDelayMs. */
  readonly commitTimeoutMode: CommitTimeoutMode;
  readonly commitTimeoutDelayMs: number;
  /** Only writes whose path contains this text can commit then time out ('' = every write), e.g. 'shipAndInvoice'. */
  readonly commitTimeoutPath: string;
  /** Simultaneous API requests allowed; beyond it the vendor's concurrency error. 0 = no cap. */
  readonly concurrency: number;
  /** Retry-After seconds sent with 429 (Business Central). */
  readonly retryAfterSeconds: number;
  /** Seed of the fault draws; setting it restarts the sequence. */
  readonly seed: number;
  /** Lifetime of issued bearer tokens (Business Central client credentials). */
  readonly tokenLifetimeSeconds: number;
  /** Customer references the ERP does not know (missing master data: the document is refused). */
  readonly unknownCustomers: readonly string[];
  /** Item references the ERP does not know. */
  readonly unknownItems: readonly string[];
  /**
   * The company's tax codes: code → percent as decimal text ("8.875"). A line naming a code
   * not here is refused as the vendor refuses an unknown record; a line without a code is not taxed.
   */
  readonly taxRates: Readonly<Record<string, string>>;
  /** Minor units added to the tax (and so the total) the ERP computes: a deliberate variance. */
  readonly totalVarianceMinor: number;
  /** NetSuite: items whose lines are tax (a tax or charge item): their amount is tax, never taxed again. */
  readonly taxItems: readonly string[];
  /** Business Central: customers (number or id) with Prices Including VAT: their unit prices include tax. */
  readonly pricesIncludeTaxCustomers: readonly string[];
  /**
   * Business Central: a deep insert (POST salesOrders) commits this many ms after it arrived and is
   * answered only then, long after a client with a shorter timeout gave up. 0 = at once.
   */
  readonly lateCommitMs: number;
}

export const DEFAULT_KNOBS: Knobs = {
  latencyMs: 0,
  errorRate: 0,
  rate429: 0,
  commitTimeoutRate: 0,
  commitTimeoutMode: 'destroy',
  commitTimeoutDelayMs: 30_000,
  commitTimeoutPath: '',
  concurrency: 15,
  retryAfterSeconds: 1,
  seed: 1,
  tokenLifetimeSeconds: 3599,
  unknownCustomers: [],
  unknownItems: [],
  taxRates: {},
  totalVarianceMinor: 0,
  taxItems: [],
  pricesIncludeTaxCustomers: [],
  lateCommitMs: 0,
};

export class KnobError extends Error {}

function rate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new KnobError(`${name} must be a number from 0 to 1`);
  return value;
}

function whole(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new KnobError(`${name} must be a whole number >= 0`);
  return value;
}

function strings(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new KnobError(`${name} must be an array of strings`);
  return [...(value as string[])];
}

/** "100" → 100, "50-150" → [50, 150]; the CLI form of latencyMs. */
export function parseLatency(text: string): number | readonly [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw new KnobError(`latency must be N or MIN-MAX milliseconds, got ${text}`);
  if (m[2] === undefined) return Number(m[1]);
  const [min, max] = [Number(m[1]), Number(m[2])];
  if (max < min) throw new KnobError(`latency range ${text} has max < min`);
  return [min, max];
}

function signedWhole(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new KnobError(`${name} must be a whole number`);
  return value;
}

function rates(value: unknown): Readonly<Record<string, string>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new KnobError('taxRates must be an object of tax code → percent');
  const out: Record<string, string> = {};
  for (const [code, rate] of Object.entries(value as Record<string, unknown>)) {
    const text = typeof rate === 'number' && Number.isFinite(rate) ? String(rate) : rate;
    if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text)) throw new KnobError(`taxRates.${code} must be a percent >= 0 (number or decimal text)`);
    out[code] = text;
  }
  return out;
}

function latency(value: unknown): number | readonly [number, number] {
  if (typeof value === 'string') return parseLatency(value);
  if (Array.isArray(value) && value.length === 2) {
    const [min, max] = [whole('latencyMs[0]', value[0]), whole('latencyMs[1]', value[1])];
    if (max < min) throw new KnobError('latencyMs range has max < min');
    return [min, max];
  }
  return whole('latencyMs', value);
}

/** Validates a partial knob object (JSON from the admin endpoint or options) and merges it. */
export function mergeKnobs(base: Knobs, patch: Record<string, unknown>): Knobs {
  const next: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'latencyMs': next[key] = latency(value); break;
      case 'errorRate': case 'rate429': case 'commitTimeoutRate': next[key] = rate(key, value); break;
      case 'commitTimeoutDelayMs': case 'concurrency': case 'retryAfterSeconds': case 'seed': next[key] = whole(key, value); break;
      case 'tokenLifetimeSeconds': next[key] = whole(key, value); break;
      case 'unknownCustomers': case 'unknownItems': case 'taxItems': case 'pricesIncludeTaxCustomers': next[key] = strings(key, value); break;
      case 'taxRates': next[key] = rates(value); break;
      case 'totalVarianceMinor': next[key] = signedWhole(key, value); break;
      case 'lateCommitMs': next[key] = whole(key, value); break;
      case 'commitTimeoutPath':
        if (typeof value !== 'string') throw new KnobError('commitTimeoutPath must be a string');
        next[key] = value;
        break;
      case 'commitTimeoutMode':
        if (value !== 'destroy' && value !== 'delay') throw new KnobError('commitTimeoutMode must be "destroy" or "delay"');
        next[key] = value;
        break;
      default: throw new KnobError(`unknown knob ${key}`);
    }
  }
  const knobs = next as unknown as Knobs;
  if (knobs.errorRate + knobs.rate429 + knobs.commitTimeoutRate > 1) throw new KnobError('errorRate + rate429 + commitTimeoutRate must not exceed 1');
  return knobs;
}
