/**
 * The demo's fixtures (Shopify body templates, the mappings CSV) are plain files in
 * demo/fixtures/. tsc does not copy them to dist/, so they are looked up beside this module
 * first (ts-jest runs demo/*.ts in place) and then in the source tree (node runs dist/demo/*.js).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['./fixtures/', '../../demo/fixtures/'];

export function readFixture(name: string): string {
  for (const dir of CANDIDATES) {
    const path = fileURLToPath(new URL(`${dir}${name}`, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error(`demo fixture ${name} not found in demo/fixtures/`);
}

/**
 * Fills `{{name}}` placeholders with JSON text the caller already encoded. Values are spliced
 * in as text, never parsed and re-serialised, so Shopify's big integer ids stay exact.
 * A placeholder without a value, or a value without a placeholder, is a bug in the demo.
 */
export function render(template: string, values: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const out = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`template has no placeholder for ${unused.join(', ')}`);
  return out;
}
