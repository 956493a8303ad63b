/**
 * Starts one ERP sandbox: `npm run sandbox -- <netsuite|dynamics365-bc> --port <p> [knobs]`.
 * Prints one JSON line with the URLs and the credentials to configure the ERP target with,
 * so a person can read it and a benchmark script can parse it.
 */
import { parseArgs } from 'node:util';
import { startBusinessCentralSandbox } from './dynamics365-bc/sandbox.js';
import { KnobError, parseLatency, type Knobs } from './shared/knobs.js';
import { startNetSuiteSandbox } from './netsuite/sandbox.js';

const USAGE = `usage: npm run sandbox -- <netsuite|dynamics365-bc> [options]
  --port P                    listen port (default 0: any free port)
  --host H                    listen address (default 127.0.0.1)
  --latency-ms N|MIN-MAX      added to every API request (default 0)
  --error-rate R              share of API requests answered 5xx (0..1, default 0)
  --rate-429 R                share answered 429 (default 0)
  --commit-timeout-rate R     share of writes stored and then not answered (default 0)
  --commit-timeout-mode M     destroy (close the socket, default) or delay
  --commit-timeout-delay-ms N answer delay in delay mode (default 30000)
  --concurrency N             simultaneous API requests allowed; 0 = no cap (default 15)
  --retry-after-s N           Retry-After of Business Central 429s (default 1)
  --token-lifetime-s N        Business Central token lifetime (default 3599)
  --seed N                    seed of the fault draws (default 1)`;

function number(name: string, value: string | undefined, whole: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n))) throw new KnobError(`--${name} needs a ${whole ? 'whole ' : ''}number, got ${value}`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' }, host: { type: 'string' },
      'latency-ms': { type: 'string' }, 'error-rate': { type: 'string' }, 'rate-429': { type: 'string' },
      'commit-timeout-rate': { type: 'string' }, 'commit-timeout-mode': { type: 'string' },
      'commit-timeout-delay-ms': { type: 'string' }, concurrency: { type: 'string' },
      'retry-after-s': { type: 'string' }, 'token-lifetime-s': { type: 'string' }, seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const variant = positionals[0];
  if (values.help || positionals.length !== 1 || (variant !== 'netsuite' && variant !== 'dynamics365-bc')) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const knobs: Record<string, unknown> = {
    latencyMs: values['latency-ms'] === undefined ? undefined : parseLatency(values['latency-ms']),
    errorRate: number('error-rate', values['error-rate'], false),
    rate429: number('rate-429', values['rate-429'], false),
    commitTimeoutRate: number('commit-timeout-rate', values['commit-timeout-rate'], false),
    commitTimeoutMode: values['commit-timeout-mode'],
    commitTimeoutDelayMs: number('commit-timeout-delay-ms', values['commit-timeout-delay-ms'], true),
    concurrency: number('concurrency', values.concurrency, true),
    retryAfterSeconds: number('retry-after-s', values['retry-after-s'], true),
    tokenLifetimeSeconds: number('token-lifetime-s', values['token-lifetime-s'], true),
    seed: number('seed', values.seed, true),
  };
  for (const key of Object.keys(knobs)) if (knobs[key] === undefined) delete knobs[key];
  const server = { port: number('port', values.port, true) ?? 0, host: values.host ?? '127.0.0.1', knobs: knobs as Partial<Knobs> };

  const started = variant === 'netsuite' ? await startNetSuiteSandbox(server) : await startBusinessCentralSandbox(server);
  const line = 'recordApiUrl' in started
    ? { variant, url: started.url, recordApiUrl: started.recordApiUrl, auth: 'OAuth 1.0a TBA, HMAC-SHA256, realm = accountId', credentials: started.credentials }
    : {
        variant, url: started.url, tokenUrl: started.tokenUrl, apiUrl: started.apiUrl, environment: started.environment,
        companyId: started.companyId, scope: started.scope, auth: 'OAuth 2.0 client credentials', credentials: started.credentials,
      };
  console.log(JSON.stringify({ ...line, knobs: started.context.knobs, admin: `${started.url}/_sandbox/{documents,stats,knobs,reset}` }));

  const stop = (): void => {
    void started.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof KnobError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ? `${err.message}\n${USAGE}`
    : err);
  process.exit(2);
});
