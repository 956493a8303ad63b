import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const modulesDir = dirname(fileURLToPath(import.meta.url));
const srcDir = dirname(modulesDir);
const root = dirname(srcDir);

/**
 * Where SQL still names another module's table, as `file: table`. Each entry is a debt the
 * architecture issue pays off; the list may only shrink. A new entry is a new violation.
 */
const KNOWN_VIOLATIONS = new Set<string>([]);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function owners(): Map<string, string> {
  const byTable = new Map<string, string>();
  for (const module of readdirSync(modulesDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    let text: string;
    try {
      text = readFileSync(join(modulesDir, module.name, 'tables.ts'), 'utf8');
    } catch {
      continue;
    }
    for (const [, table] of text.matchAll(/'([a-z_]+)'/g)) {
      if (byTable.has(table)) throw new Error(`${table} is owned by both ${byTable.get(table)} and ${module.name}`);
      byTable.set(table, module.name);
    }
  }
  return byTable;
}

/** SQL that reads or writes a table names it after one of these words. */
const sqlNaming = (table: string) => new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+${table}\\b`, 'i');

describe('module ownership of tables', () => {
  it('gives every table the migrations create exactly one owning module', () => {
    const created = new Set<string>();
    for (const file of walk(join(root, 'migrations'))) {
      for (const [, table] of readFileSync(file, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)) created.add(table);
    }
    const owned = owners();
    expect([...created].filter((t) => !owned.has(t))).toEqual([]);
  });

  it('names a table in SQL only inside its owning module (migrations aside)', () => {
    const owned = owners();
    const found: string[] = [];
    for (const file of walk(srcDir)) {
      const module = /src\/modules\/([^/]+)\//.exec(file)?.[1] ?? null;
      const text = readFileSync(file, 'utf8');
      for (const [table, owner] of owned) {
        if (owner !== module && sqlNaming(table).test(text)) found.push(`${relative(root, file)}: ${table}`);
      }
    }
    const fresh = found.filter((f) => !KNOWN_VIOLATIONS.has(f));
    const paid = [...KNOWN_VIOLATIONS].filter((k) => !found.includes(k));
    expect({ newViolations: fresh, paidOffStillListed: paid }).toEqual({ newViolations: [], paidOffStillListed: [] });
  });
});
