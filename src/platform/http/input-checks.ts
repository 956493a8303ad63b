import { ApiError } from './api-error.js';

/**
 * Checks every admin input passes before it can reach SQL: PostgreSQL text and jsonb
 * cannot hold NUL (or a lone UTF-16 surrogate, which jsonb refuses and text silently
 * turns into U+FFFD), and a number or date it cannot hold would otherwise fail as a 500
 * deep in a query. Routes still check their own fields; these are the floor under them.
 */

export const INPUT_LIMITS = {
  /** Nesting of objects and arrays; admin bodies are a few levels deep. */
  maxDepth: 16,
  /** Characters in one string: identifiers, secrets, URLs. */
  maxString: 4096,
  /** Characters in free text (notes, reasons), where line breaks and tabs are allowed. */
  maxFreeText: 20_000,
  /** Characters in an object key or a query / path parameter. */
  maxKey: 256,
  /** Items in one array, keys in one object. */
  maxItems: 1000,
  /** Characters in a URL. */
  maxUrl: 2048,
  /** Dates outside these years are typing mistakes in this domain, not filters. */
  minYear: 2000,
  maxYear: 2100,
} as const;

/** Keys whose values are prose, so \t \n \r are allowed in them. */
const FREE_TEXT_KEYS: ReadonlySet<string> = new Set(['note', 'reason', 'description', 'comment', 'message']);

export interface InputProblem {
  readonly field: string;
  readonly reason: string;
}

const CONTROL = /[\u0000-\u001F]/;
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
// With the u flag a paired surrogate is one astral code point, so only lone halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a string cannot be taken as given, or null. Prose may hold tabs and line breaks. */
export function textProblem(value: string, options: { prose?: boolean; max?: number } = {}): string | null {
  const max = options.max ?? (options.prose ? INPUT_LIMITS.maxFreeText : INPUT_LIMITS.maxString);
  if (value.length > max) return `must be at most ${max} characters`;
  const control = (options.prose ? CONTROL_IN_PROSE : CONTROL).exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control characters (U+${code} at position ${control.index + 1})${options.prose ? '' : '; only notes may hold tabs and line breaks'}`;
  }
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds a lone UTF-16 surrogate)';
  return null;
}

/** A readable path segment: `credentials.tokenSecret`, `routing.accounts[0]`, `settings["a b"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent || 'body'}[${key}]`;
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (!parent) return plain === key ? key : `body[${plain}]`;
  return plain === key ? `${parent}.${key}` : `${parent}[${plain}]`;
}

/**
 * The first thing in a parsed JSON value that cannot be stored: a bad string or key at
 * any depth, a number that is not finite or beyond 2^53, too deep a nesting or too many
 * items. `path` names the value itself ('' for a whole body).
 */
export function jsonProblem(value: unknown, path = '', depth = 0): InputProblem | null {
  const here = path || 'body';
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'string') {
    const last = /(?:^|\.)([A-Za-z_$][\w$-]*)$/.exec(path)?.[1];
    const reason = textProblem(value, { prose: last !== undefined && FREE_TEXT_KEYS.has(last) });
    return reason ? { field: here, reason } : null;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { field: here, reason: 'must be a finite number' };
    if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return { field: here, reason: `must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` };
    return null;
  }
  if (typeof value !== 'object') return { field: here, reason: 'is not a JSON value' };
  if (depth >= INPUT_LIMITS.maxDepth) return { field: here, reason: `is nested too deeply (more than ${INPUT_LIMITS.maxDepth} levels)` };
  if (Array.isArray(value)) {
    if (value.length > INPUT_LIMITS.maxItems) return { field: here, reason: `must have at most ${INPUT_LIMITS.maxItems} items` };
    for (let i = 0; i < value.length; i += 1) {
      const problem = jsonProblem(value[i], childPath(path, i), depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > INPUT_LIMITS.maxItems) return { field: here, reason: `must have at most ${INPUT_LIMITS.maxItems} keys` };
  for (const [key, item] of entries) {
    const field = childPath(path, key);
    const keyReason = textProblem(key, { max: INPUT_LIMITS.maxKey });
    if (keyReason) return { field, reason: `has a key that ${keyReason}` };
    const problem = jsonProblem(item, field, depth + 1);
    if (problem) return problem;
  }
  return null;
}

export function validationFailed(field: string, message: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', message, field);
}

function refuse(problem: InputProblem | null): void {
  if (problem) throw validationFailed(problem.field, `${problem.field} ${problem.reason}`);
}

/** A JSON body: absent, or an object whose every string, key and number can be stored. */
export function checkJsonBody(body: unknown): void {
  if (body === undefined) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationFailed('body', 'the body must be a JSON object');
  refuse(jsonProblem(body));
}

/** Query-string or path parameters: each given once, as text that can be stored. */
export function checkParameters(parameters: unknown): void {
  if (parameters === null || typeof parameters !== 'object') return;
  for (const [name, value] of Object.entries(parameters as Record<string, unknown>)) {
    const field = childPath('', name);
    refuse(textProblem(name, { max: INPUT_LIMITS.maxKey }) ? { field, reason: 'is not a usable parameter name' } : null);
    if (typeof value !== 'string') throw validationFailed(field, `${field} must be given once, as text`);
    const reason = textProblem(value, { max: INPUT_LIMITS.maxString });
    refuse(reason ? { field, reason } : null);
  }
}

/**
 * An http(s) URL without credentials: a user:password@ part would be shown back to every
 * reader and logged with the URL, so secrets belong in the credential fields instead.
 */
export function httpUrl(value: unknown, field: string): URL {
  if (typeof value !== 'string' || value.trim() === '') throw validationFailed(field, `${field} must be an http(s) URL`);
  const reason = textProblem(value, { max: INPUT_LIMITS.maxUrl });
  if (reason) throw validationFailed(field, `${field} ${reason}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw validationFailed(field, `${field} must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validationFailed(field, `${field} must be an http(s) URL, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') {
    throw validationFailed(field, `${field} must not carry credentials (user:password@); put them in the credential fields`);
  }
  return url;
}

/** A stored URL as readers may see it: any user:password@ an older row holds is left out. */
export function withoutUserinfo(url: string): string;
export function withoutUserinfo(url: string | null): string | null;
export function withoutUserinfo(url: string | null): string | null {
  // On the text, not through URL: a row that no longer parses must still be masked.
  return url === null ? null : url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1');
}

/** An instant a filter can use: any date Date reads, within the years the domain knows. */
export function timeInRange(value: unknown, field: string): Date {
  if (typeof value !== 'string' || value.trim() === '') throw validationFailed(field, `${field} must be an ISO-8601 time`);
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw validationFailed(field, `${field} must be an ISO-8601 time`);
  const year = parsed.getUTCFullYear();
  if (year < INPUT_LIMITS.minYear || year > INPUT_LIMITS.maxYear) {
    throw validationFailed(field, `${field} must be between the years ${INPUT_LIMITS.minYear} and ${INPUT_LIMITS.maxYear}`);
  }
  return parsed;
}
