/**
 * The ledger's write floor: after the hub's run, the very rows it wrote (report lines, the
 * expectations matching added, matches and their items) are written again by INSERT … SELECT
 * into tables with the same columns and indexes but none of the hub's work: no parsing, no
 * checks or triggers, no grouping, no breaks. Two connections at once, as the hub uses two
 * cores. What the hub takes beyond this is its own doing; what the raw baseline takes below
 * it is the cost of a ledger with lineage, indexes and matches.
 */
import pg from 'pg';

const TABLES = `
  CREATE TABLE floor_components (LIKE settlement_components INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
  CREATE TABLE floor_matches (LIKE settlement_matches INCLUDING ALL);
  CREATE TABLE floor_match_items (LIKE settlement_match_items INCLUDING ALL)`;

/** Each step split in two halves by id, one per connection; the steps in the hub's order. */
const STEPS: readonly ((half: number) => string)[] = [
  (half) => `INSERT INTO floor_components SELECT * FROM settlement_components WHERE side = 'REPORTED' AND id % 2 = ${half} ORDER BY id`,
  (half) => `INSERT INTO floor_components SELECT * FROM settlement_components WHERE side = 'EXPECTED' AND id % 2 = ${half} ORDER BY id`,
  (half) => `INSERT INTO floor_matches SELECT * FROM settlement_matches WHERE id % 2 = ${half} ORDER BY id`,
  (half) => `INSERT INTO floor_match_items SELECT * FROM settlement_match_items WHERE match_id % 2 = ${half} ORDER BY component_id`,
];

export async function writeFloor(url: string): Promise<{ rows: number }> {
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  await Promise.all(clients.map((client) => client.connect()));
  try {
    await clients[0].query(TABLES);
    let rows = 0;
    for (const step of STEPS) {
      const results = await Promise.all(clients.map((client, half) => client.query(step(half))));
      rows += results.reduce((sum, result) => sum + (result.rowCount ?? 0), 0);
    }
    return { rows };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}
