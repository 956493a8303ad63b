/**
 * The Microsoft identity platform's OAuth 2.0 client-credentials token endpoint, as Business
 * Central clients use it: POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials,
 * client_id, client_secret (or HTTP Basic) and scope=https://api.businesscentral.dynamics.com/.default.
 * Success: {token_type: "Bearer", expires_in, ext_expires_in, access_token}; failure: the
 * identity platform's {error, error_description: "AADSTS...", error_codes, ...} body.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { header, type Reply, type SandboxRequest } from '../shared/http.js';

export const BC_SCOPE = 'https://api.businesscentral.dynamics.com/.default';

export interface ClientCredentials {
  /** Entra tenant id: the first segment of both the token URL and the API URL. */
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

interface IssuedToken {
  readonly tenantId: string;
  readonly expiresAt: number;
}

function aadError(status: number, error: string, code: number, description: string): Reply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache' },
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly lifetimeSeconds: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Handles POST /{tenant}/oauth2/v2.0/token. */
  issue(req: SandboxRequest, tenant: string): Reply {
    if (tenant.toLowerCase() !== this.credentials.tenantId.toLowerCase()) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const type = (header(req, 'content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    const basic = /^Basic\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
    if (basic) {
      const [id, ...secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId ??= decodeURIComponent(id);
      clientSecret ??= decodeURIComponent(secret.join(':'));
    }
    const grant = form.get('grant_type');
    if (!grant) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grant !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const scope = form.get('scope');
    if (!scope) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
    if (scope !== BC_SCOPE) {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    if (clientId !== this.credentials.clientId) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    }
    if (!clientSecret) return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (clientSecret !== this.credentials.clientSecret) {
      return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.');
    }
    const lifetime = this.lifetimeSeconds();
    const accessToken = randomBytes(32).toString('base64url');
    this.prune();
    this.tokens.set(accessToken, { tenantId: this.credentials.tenantId, expiresAt: this.now() + lifetime * 1000 });
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache' },
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
    };
  }

  /** Undefined when the bearer token is valid for this tenant; otherwise why not (RFC 6750 wording). */
  check(req: SandboxRequest, tenant: string): string | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    if (!m) return 'The access token is missing';
    const token = this.tokens.get(m[1]);
    if (!token || token.tenantId.toLowerCase() !== tenant.toLowerCase()) return 'The access token is invalid';
    if (token.expiresAt <= this.now()) return 'The access token is expired';
    return undefined;
  }

  private prune(): void {
    if (this.tokens.size < 1000) return;
    const now = this.now();
    for (const [key, token] of this.tokens) if (token.expiresAt <= now) this.tokens.delete(key);
  }
}
