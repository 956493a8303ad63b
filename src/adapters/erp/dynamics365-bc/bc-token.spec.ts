import { DeliveryError } from '../erp-adapter.port.js';
import { BcTokenProvider, BC_SCOPE, tokenEndpoint } from './bc-token.js';

interface Call {
  readonly url: string;
  readonly form: URLSearchParams;
}

function fakeFetch(answers: (() => Response)[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), form: new URLSearchParams(String(init?.body)) });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  };
  return { fetch: fn as typeof fetch, calls };
}

const token = (value: string, expiresIn = 3599) => () => Response.json({ token_type: 'Bearer', expires_in: expiresIn, access_token: value });
const CONFIG = { tenantId: 't1', clientId: 'app', clientSecret: 'sEcReT-value', tokenUrl: 'http://idp/t1/oauth2/v2.0/token', timeoutMs: 1000 };

describe('tokenEndpoint', () => {
  it('uses the base URL as the authority, login.microsoftonline.com for BC itself, or what is configured', () => {
    expect(tokenEndpoint('http://127.0.0.1:4000/', 'tenant')).toBe('http://127.0.0.1:4000/tenant/oauth2/v2.0/token');
    expect(tokenEndpoint('https://api.businesscentral.dynamics.com', 'tenant')).toBe('https://login.microsoftonline.com/tenant/oauth2/v2.0/token');
    expect(tokenEndpoint('https://x', 'tenant', 'https://login.example/')).toBe('https://login.example/tenant/oauth2/v2.0/token');
    expect(tokenEndpoint('https://x', 'tenant', 'https://idp/other/oauth2/v2.0/token')).toBe('https://idp/other/oauth2/v2.0/token');
  });
});

describe('BcTokenProvider', () => {
  it('sends the client-credentials form and caches the token until shortly before it expires', async () => {
    let now = 1_000_000;
    const { fetch, calls } = fakeFetch([token('one'), token('two')]);
    const provider = new BcTokenProvider(CONFIG, { fetch, now: () => now });
    expect(await provider.get()).toBe('one');
    expect(calls[0].url).toBe(CONFIG.tokenUrl);
    expect(Object.fromEntries(calls[0].form)).toEqual({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'sEcReT-value', scope: BC_SCOPE });
    now += 3_538_000; // 1 s before the one-minute margin
    expect(await provider.get()).toBe('one');
    now += 2_000;
    expect(await provider.get()).toBe('two');
    expect(calls).toHaveLength(2);
  });

  it('shares one request among concurrent callers and fetches again after invalidate', async () => {
    const { fetch, calls } = fakeFetch([token('one'), token('two')]);
    const provider = new BcTokenProvider(CONFIG, { fetch });
    expect(await Promise.all([provider.get(), provider.get(), provider.get()])).toEqual(['one', 'one', 'one']);
    provider.invalidate('stale');
    expect(await provider.get()).toBe('one');
    provider.invalidate('one');
    expect(await provider.get()).toBe('two');
    expect(calls).toHaveLength(2);
  });

  it('refuses bad credentials as AUTH without the secret in the message', async () => {
    const { fetch } = fakeFetch([
      () => Response.json({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided: sEcReT-value. Trace ID: x' }, { status: 401 }),
      () => Response.json({ token_type: 'Bearer', expires_in: 10 }),
    ]);
    const provider = new BcTokenProvider(CONFIG, { fetch });
    const error = await provider.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: 'AUTH', details: { code: 'invalid_client', status: 401 } });
    expect((error as DeliveryError).message).not.toContain('sEcReT-value');
    await expect(provider.get()).rejects.toMatchObject({ kind: 'RETRYABLE', details: { code: 'NO_ACCESS_TOKEN' } });
  });

  it('gives up waiting when the caller cancels', async () => {
    const fetch = (() => new Promise<Response>(() => undefined)) as typeof globalThis.fetch;
    const provider = new BcTokenProvider({ ...CONFIG, timeoutMs: 60_000 }, { fetch });
    const controller = new AbortController();
    const waiting = provider.get(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'RETRYABLE', details: { code: 'ABORTED' } });
  });
});
