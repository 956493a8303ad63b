/**
 * The one SuiteQL query the hub runs, as NetSuite's REST query service answers it:
 *   POST /services/rest/query/v1/suiteql?limit=n   (Prefer: transient)   {"q": "SELECT id, tranid, foreigntotal FROM transaction WHERE id IN (…)"}
 * → { links, count, hasMore, offset, totalResults, items: [{ links: [], id, tranid, foreigntotal }] }.
 * Values come back as strings, as SuiteQL prints them. Any other query is refused: the sandbox
 * does not pretend to run SQL.
 */
import { header, jsonObject, type Reply, type SandboxRequest } from '../shared/http.js';
import type { StoredDocument } from '../shared/store.js';
import { nsError } from './errors.js';
import type { NsSalesOrder } from './records.js';

export const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
const TOTALS_QUERY = /^\s*SELECT\s+id\s*,\s*tranid\s*,\s*foreigntotal\s+FROM\s+transaction\s+WHERE\s+id\s+IN\s*\(\s*(\d+(?:\s*,\s*\d+)*)\s*\)\s*$/i;
const MAX_LIMIT = 1000;

export function runSuiteQl(req: SandboxRequest, find: (id: string) => StoredDocument<NsSalesOrder> | undefined): Reply {
  if (req.method !== 'POST') return nsError(405, [{ detail: `Method ${req.method} is not allowed on this resource.`, code: 'METHOD_NOT_ALLOWED' }], { allow: 'POST' });
  if ((header(req, 'prefer') ?? '').toLowerCase() !== 'transient') {
    return nsError(400, [{ detail: 'The Prefer header must be "transient" for SuiteQL queries.', code: 'INVALID_HEADER', header: 'Prefer' }]);
  }
  const limit = Number(req.url.searchParams.get('limit') ?? MAX_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return nsError(400, [{ detail: `Invalid limit: it must be between 1 and ${MAX_LIMIT}.`, code: 'INVALID_PARAMETER', queryParam: 'limit' }]);
  }
  const q = jsonObject(req.body)?.q;
  const match = typeof q === 'string' ? TOTALS_QUERY.exec(q) : null;
  if (!match) return nsError(400, [{ detail: 'Invalid search query: the sandbox runs only the transaction totals query.', code: 'INVALID_PARAMETER', path: 'q' }]);
  const ids = [...new Set(match[1].split(',').map((id) => id.trim()))];
  const rows = ids.flatMap((id) => {
    const doc = find(id);
    return doc ? [{ links: [], id, tranid: doc.body.tranId, foreigntotal: String(doc.body.total) }] : [];
  });
  const items = rows.slice(0, limit);
  return {
    status: 200,
    headers: { 'content-type': 'application/vnd.oracle.resource+json; type=collection; charset=UTF-8' },
    body: { links: [{ rel: 'self', href: req.url.href }], count: items.length, hasMore: rows.length > items.length, offset: 0, totalResults: rows.length, items },
  };
}
