/**
 * Login with Amazon: a seller's refresh token exchanged for an access token, kept until shortly
 * before it expires (an hour), so most calls cost no exchange. A refusal of the token (403
 * "expired") drops it and the next call exchanges again.
 */
export interface LwaCredentials {
  /** The token endpoint (https://api.amazon.com/auth/o2/token; the sandbox's own in tests). */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

/** Renewed this long before Amazon says it expires, so a call in flight does not carry a dead token. */
const EARLY_MS = 60_000;

export class LwaAuthError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'LwaAuthError';
  }
}

export class LwaTokens {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly credentials: LwaCredentials, private readonly timeoutMs = 10_000) {}

  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.token;
    // One exchange at a time: concurrent calls share it.
    this.pending ??= this.exchange().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** The token was refused: the next call exchanges the refresh token again. */
  forget(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async exchange(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token', refresh_token: this.credentials.refreshToken, client_id: this.credentials.clientId, client_secret: this.credentials.clientSecret,
    });
    const response = await fetch(this.credentials.tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: form, signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      // The description names the parameter at fault; it never holds the secret itself.
      throw new LwaAuthError(`Login with Amazon refused the refresh token: ${String(body.error ?? response.status)} ${String(body.error_description ?? '')}`.trim(), response.status);
    }
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.cached = { token: body.access_token, expiresAt: Date.now() + Math.max(0, seconds * 1000 - EARLY_MS) };
    return body.access_token;
  }
}
