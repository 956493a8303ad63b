/**
 * Exhaustiveness check for switches over a union: the call only compiles when every
 * case is handled, and throws if an unexpected value arrives at run time anyway.
 */
export function assertNever(value: never, message?: string): never {
  throw new Error(message ?? `unexpected value: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'type' in value) return `{ type: ${String(value.type)} }`;
  // JSON.stringify would throw on the bigint amounts a value may carry.
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
