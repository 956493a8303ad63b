/**
 * `npm run demo -- [--orders N] [--exit] [--port P] [--seed S] [--timeout SECONDS]`
 *
 * Exit codes: 0 when every order reached its final state with no duplicates (with --exit,
 * or after Ctrl-C when it stayed up), 1 when not or when the demo could not start, 130 when
 * Ctrl-C stopped it before it finished.
 */
import type { DemoOptions } from './demo.js';
import { DemoStopped } from './progress.js';

const USAGE = `usage: npm run demo -- [options]
  --orders N         orders to run through the worked example (default 20)
  --exit             stop when done; exit 0 only if every order is FULFILLED and nothing was duplicated
  --port P           the hub's port (default 3000; a free one when taken)
  --seed S           seed of quantities, products and customers (default 2026)
  --timeout SECONDS  give up after this long (default 300)
  --log-level L      the hub's own log level: debug, info, warn, error (default error)`;

function parseArgs(argv: readonly string[]): DemoOptions {
  const options: { -readonly [K in keyof DemoOptions]: DemoOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const whole = (min: number, max: number): number => {
      const text = argv[++i];
      const n = Number(text);
      if (text === undefined || !/^\d+$/.test(text) || n < min || n > max) throw new Error(`${flag} takes a whole number from ${min} to ${max}`);
      return n;
    };
    switch (flag) {
      case '--orders': options.orders = whole(1, 5000); break;
      case '--exit': options.exit = true; break;
      case '--port': options.port = whole(0, 65535); break;
      case '--seed': options.seed = whole(0, 2 ** 32 - 1); break;
      case '--timeout': options.timeoutMs = whole(10, 86_400) * 1000; break;
      case '--log-level': {
        const level = argv[++i];
        if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error') throw new Error('--log-level takes debug, info, warn or error');
        options.logLevel = level;
        break;
      }
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const stop = new AbortController();
  const onSignal = (): void => {
    // A second Ctrl-C while cleaning up means "now".
    if (stop.signal.aborted) process.exit(130);
    process.stdout.write('\n▸ stopping (Ctrl-C again to quit at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Imported once Ctrl-C is handled: loading Nest and the hub takes a few seconds.
    const { runDemo } = await import('./demo.js');
    const summary = await runDemo({ ...options, signal: stop.signal });
    if (!summary.ok) process.stdout.write(`demo failed: ${summary.problems.join('; ')}\n`);
    return summary.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof DemoStopped) return 130;
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// Explicit exit: a library may keep a timer or socket open after everything was closed.
main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`demo: ${String(error)}\n`);
  process.exit(1);
});
