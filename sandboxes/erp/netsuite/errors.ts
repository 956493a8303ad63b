/**
 * NetSuite REST web services error bodies, as documented in "Error Handling in REST Web
 * Services" (NetSuite Help Center, section_156570709583): type, title, status and
 * o:errorDetails[] with detail, o:errorCode and, where the error sits in the request,
 * o:errorPath (JSON path into the body), o:urlPath, o:errorHeader or o:errorQueryParam.
 */
import type { Reply } from '../shared/http.js';

const RFC2616 = 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html';

const STATUS: Record<number, readonly [type: string, title: string]> = {
  400: [`${RFC2616}#sec10.4.1`, 'Bad Request'],
  // The documented INVALID_LOGIN example carries the bare RFC 2616 section 10 link.
  401: [RFC2616, 'Unauthorized'],
  404: [`${RFC2616}#sec10.4.5`, 'Not Found'],
  405: [`${RFC2616}#sec10.4.6`, 'Method Not Allowed'],
  413: [`${RFC2616}#sec10.4.14`, 'Request Entity Too Large'],
  415: [`${RFC2616}#sec10.4.16`, 'Unsupported Media Type'],
  429: ['https://tools.ietf.org/html/rfc6585#section-4', 'Too Many Requests'],
  500: [`${RFC2616}#sec10.5.1`, 'Internal Server Error'],
};

export interface NsErrorDetail {
  readonly detail: string;
  readonly code: string;
  readonly path?: string;
  readonly urlPath?: string;
  readonly header?: string;
  readonly queryParam?: string;
}

export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error; charset=UTF-8';

export function nsError(status: number, details: readonly NsErrorDetail[], headers: Record<string, string> = {}): Reply {
  const [type, title] = STATUS[status] ?? STATUS[500];
  return {
    status,
    headers: { 'content-type': ERROR_CONTENT_TYPE, ...headers },
    body: {
      type,
      title,
      status,
      'o:errorDetails': details.map((d) => ({
        detail: d.detail,
        'o:errorCode': d.code,
        ...(d.path !== undefined && { 'o:errorPath': d.path }),
        ...(d.urlPath !== undefined && { 'o:urlPath': d.urlPath }),
        ...(d.header !== undefined && { 'o:errorHeader': d.header }),
        ...(d.queryParam !== undefined && { 'o:errorQueryParam': d.queryParam }),
      })),
    },
  };
}

/** The documented INVALID_LOGIN answer; NetSuite never says which part of the login was wrong. */
export function invalidLogin(reason: string): Reply {
  return nsError(
    401,
    [{
      detail: 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
      code: 'INVALID_LOGIN',
    }],
    // Where NetSuite points to its Login Audit Trail, the sandbox says why in a header of its own.
    { 'x-sandbox-login-failure': reason },
  );
}

/** Invalid value, in the documented wording ("You have entered an Invalid Field Value ..."). */
export function invalidFieldValue(field: string, value: unknown, path: string): Reply {
  const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return nsError(400, [{
    detail: `Error while accessing a resource. You have entered an Invalid Field Value ${shown} for the following field: ${field}`,
    code: 'INVALID_CONTENT',
    path,
  }]);
}

export function invalidContent(detail: string, path?: string): Reply {
  return nsError(400, [{ detail, code: 'INVALID_CONTENT', ...(path !== undefined && { path }) }]);
}

/** A mandatory field left empty: NetSuite's "Please enter value(s) for: <label>" user error. */
export function missingValue(label: string, path: string): Reply {
  return nsError(400, [{ detail: `Error while accessing a resource. Please enter value(s) for: ${label}.`, code: 'USER_ERROR', path }]);
}

export function notFound(urlPath: string): Reply {
  return nsError(404, [{ detail: 'The record instance does not exist. Provide a valid record instance ID.', code: 'NONEXISTENT_ID', urlPath }]);
}

/**
 * A second record of one type with an external id already taken: NetSuite keeps external ids
 * unique per record type and refuses the save with a duplicate-record error.
 */
export function duplicateRecord(externalId: string): Reply {
  return nsError(400, [{
    detail: `Error while accessing a resource. This record already exists: a record with the external ID ${JSON.stringify(externalId)} already exists.`,
    code: 'DUP_RCRD',
    path: 'externalId',
  }]);
}

/** NetSuite's user error for a business rule (more than is left, nothing to fulfil, …). */
export function userError(detail: string, path?: string): Reply {
  return nsError(400, [{ detail: `Error while accessing a resource. ${detail}`, code: 'USER_ERROR', ...(path !== undefined && { path }) }]);
}
