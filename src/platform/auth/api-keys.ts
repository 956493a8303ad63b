import { createHash } from 'node:crypto';
import type { ApiKey, ApiRole } from '../config/app-config.js';

/** What an authenticated caller may do; admin ⊃ operator ⊃ reader. */
const RANK: Record<ApiRole, number> = { reader: 1, operator: 2, admin: 3 };

export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return RANK[held] >= RANK[needed];
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Keys are looked up by their SHA-256, so the comparison never runs over the secret
 * itself character by character.
 */
export class ApiKeyRegistry {
  private readonly byDigest = new Map<string, ApiKey>();

  constructor(keys: readonly ApiKey[]) {
    for (const key of keys) this.byDigest.set(digest(key.key), key);
  }

  /** The caller behind an Authorization header, or null. */
  authenticate(authorization: string | undefined): ApiKey | null {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return null;
    return this.byDigest.get(digest(match[1])) ?? null;
  }

  /**
   * The caller behind a request, or null. Two Authorization headers are refused: Node keeps
   * only the first, and a proxy in front may have read the other one.
   */
  authenticateRequest(request: CredentialSource): ApiKey | null {
    const raw = request.raw.rawHeaders;
    let count = 0;
    for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === 'authorization') count += 1;
    if (count !== 1) return null;
    return this.authenticate(request.headers.authorization);
  }
}

/** What authentication reads of a request: Fastify's request has both. */
export interface CredentialSource {
  readonly headers: { readonly authorization?: string };
  readonly raw: { readonly rawHeaders: readonly string[] };
}
