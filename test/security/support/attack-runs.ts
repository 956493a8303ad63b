import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * The one knob of the attack suite: how many cases each property draws. Small by default so
 * the security folder stays cheap in CI; `npm run attack` raises it. ATTACK_SEED and
 * ATTACK_PATH replay a failure exactly (fast-check prints both when a property fails).
 */
export const ATTACK_RUNS = positive(process.env.ATTACK_RUNS, 12);

function positive(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Runs for a property whose cases are costly (near-limit bodies): a fraction of the knob, at least `min`. */
export function scaledRuns(fraction: number, min = 2): number {
  return Math.max(min, Math.round(ATTACK_RUNS * fraction));
}

/**
 * Checks an async property quietly (the known attacks in `examples` first, then `numRuns` drawn cases): nothing is printed unless it fails, and then the error
 * names the seed and path to replay it (ATTACK_SEED, ATTACK_PATH), a short counterexample and
 * the first failure. Shrinking re-sends deliveries to a live hub, so it is off unless
 * ATTACK_SHRINK=1 asks for a minimal counterexample.
 */
export async function check<T>(name: string, property: fc.IAsyncProperty<T>, numRuns = ATTACK_RUNS, examples: T[] = []): Promise<void> {
  const seed = process.env.ATTACK_SEED ? Number(process.env.ATTACK_SEED) : undefined;
  const path = process.env.ATTACK_PATH || undefined;
  const started = Date.now();
  const details = await fc.check(property, { numRuns, seed, path, examples, endOnFailure: process.env.ATTACK_SHRINK !== '1' });
  record({ name, runs: details.numRuns, ms: Date.now() - started, ok: !details.failed });
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${name}: failed after ${details.numRuns} runs. Replay with ATTACK_SEED=${details.seed} ATTACK_PATH=${details.counterexamplePath}\n` +
      `case: ${short(details.counterexample)}\n${cause}`,
  );
}

/** A counterexample cut to a readable length; bigint ids printed as numbers. */
function short(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' && v.length > 60 ? `${v.slice(0, 40)}…(${v.length})` : v));
  return text.length > 800 ? `${text.slice(0, 800)}…` : text;
}

/** `npm run attack` collects one line per property in ATTACK_SUMMARY_FILE and prints the table. */
export function record(entry: { name: string; runs: number; ms: number; ok: boolean }): void {
  const file = process.env.ATTACK_SUMMARY_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}
