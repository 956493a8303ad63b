/** The /_sandbox admin endpoints every sandbox serves, as the adapter and client specs drive them. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Sandbox {
  readonly url: string;
}

/** A string body goes as it is, so a fixture's own JSON (ids beyond 2^53) reaches the sandbox unchanged. */
export async function sandboxAdmin(sb: Sandbox, method: string, path: string, body?: string | object): Promise<Json> {
  const res = await fetch(`${sb.url}/_sandbox/${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: typeof body === 'object' ? JSON.stringify(body) : body,
  });
  return res.status === 204 ? {} : ((await res.json()) as Json);
}

/** The ERP specs' short form: with a body, or for reset, a POST; otherwise a GET. */
export function erpSandboxAdmin(sb: Sandbox, path: string, body?: object): Promise<Json> {
  return body !== undefined || path === 'reset' ? sandboxAdmin(sb, 'POST', path, body ?? {}) : sandboxAdmin(sb, 'GET', path);
}

/** Empties the sandbox and sets the knobs back as well: a reset keeps the knobs the last test left. */
export async function resetSandbox(sb: Sandbox, knobs: object): Promise<void> {
  await sandboxAdmin(sb, 'POST', 'reset');
  await sandboxAdmin(sb, 'POST', 'knobs', knobs);
}
