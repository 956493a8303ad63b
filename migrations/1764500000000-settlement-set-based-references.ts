import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's references checked once per statement instead of once per row. A matching run
 * writes hundreds of thousands of match items in one INSERT … SELECT, and a foreign key fires
 * one lookup (with a row lock on the referenced component) per item: most of the run's time.
 * These triggers check the same references with one anti-join over the statement's new rows
 * (transition tables), and refuse to remove a referenced match or import the same way.
 *
 * Nothing deletes a component (append-only trigger), a match or an import, so the row lock a
 * foreign key takes against a concurrent delete buys nothing here.
 *
 * Every reader of the ledger by order names the channel too, so (channel, order_ref) serves
 * them all and the older (order_ref, component, currency) index is one more write per line.
 * Components are appended import by import, so a block-range (BRIN) index finds an import's
 * lines at a fraction of a b-tree's cost per written line.
 */
export class SettlementSetBasedReferences1764500000000 implements MigrationInterface {
  name = 'SettlementSetBasedReferences1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE settlement_match_items DROP CONSTRAINT settlement_match_items_match_id_fkey');
    await q.query('ALTER TABLE settlement_match_items DROP CONSTRAINT settlement_match_items_component_id_fkey');
    await q.query('ALTER TABLE settlement_components DROP CONSTRAINT settlement_components_import_id_fkey');
    await q.query('DROP INDEX settlement_components_order');
    await q.query('DROP INDEX settlement_components_import');
    await q.query('CREATE INDEX settlement_components_import ON settlement_components USING brin (import_id) WITH (pages_per_range = 16)');
    await q.query(`
      CREATE FUNCTION settlement_match_items_references() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_items n WHERE NOT EXISTS (SELECT 1 FROM settlement_matches m WHERE m.id = n.match_id)) THEN
          RAISE EXCEPTION 'settlement_match_items names a match that does not exist' USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM new_items n WHERE NOT EXISTS (SELECT 1 FROM settlement_components c WHERE c.id = n.component_id)) THEN
          RAISE EXCEPTION 'settlement_match_items names a component that does not exist' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    for (const event of ['INSERT', 'UPDATE']) {
      await q.query(`
        CREATE TRIGGER settlement_match_items_references_${event.toLowerCase()} AFTER ${event} ON settlement_match_items
        REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION settlement_match_items_references()`);
    }
    await q.query(`
      CREATE FUNCTION settlement_components_references() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_components n WHERE n.import_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM settlement_imports i WHERE i.id = n.import_id)) THEN
          RAISE EXCEPTION 'settlement_components names an import that does not exist' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER settlement_components_references AFTER INSERT ON settlement_components
      REFERENCING NEW TABLE AS new_components FOR EACH STATEMENT EXECUTE FUNCTION settlement_components_references()`);
    await q.query(`
      CREATE FUNCTION settlement_matches_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM old_matches o JOIN settlement_match_items i ON i.match_id = o.id
            WHERE NOT EXISTS (SELECT 1 FROM settlement_matches m WHERE m.id = o.id)) THEN
          RAISE EXCEPTION 'a settlement match with items cannot be removed' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION settlement_imports_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM old_imports o JOIN settlement_components c ON c.import_id = o.id
            WHERE NOT EXISTS (SELECT 1 FROM settlement_imports i WHERE i.id = o.id)) THEN
          RAISE EXCEPTION 'a settlement import with ledger components cannot be removed' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    for (const event of ['DELETE', 'UPDATE']) {
      await q.query(`
        CREATE TRIGGER settlement_matches_referenced_${event.toLowerCase()} AFTER ${event} ON settlement_matches
        REFERENCING OLD TABLE AS old_matches FOR EACH STATEMENT EXECUTE FUNCTION settlement_matches_referenced()`);
      await q.query(`
        CREATE TRIGGER settlement_imports_referenced_${event.toLowerCase()} AFTER ${event} ON settlement_imports
        REFERENCING OLD TABLE AS old_imports FOR EACH STATEMENT EXECUTE FUNCTION settlement_imports_referenced()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['delete', 'update']) {
      await q.query(`DROP TRIGGER IF EXISTS settlement_matches_referenced_${event} ON settlement_matches`);
      await q.query(`DROP TRIGGER IF EXISTS settlement_imports_referenced_${event} ON settlement_imports`);
    }
    for (const event of ['insert', 'update']) await q.query(`DROP TRIGGER IF EXISTS settlement_match_items_references_${event} ON settlement_match_items`);
    await q.query('DROP TRIGGER IF EXISTS settlement_components_references ON settlement_components');
    await q.query('DROP FUNCTION IF EXISTS settlement_matches_referenced()');
    await q.query('DROP FUNCTION IF EXISTS settlement_imports_referenced()');
    await q.query('DROP FUNCTION IF EXISTS settlement_components_references()');
    await q.query('DROP FUNCTION IF EXISTS settlement_match_items_references()');
    await q.query('DROP INDEX settlement_components_import');
    await q.query('CREATE INDEX settlement_components_import ON settlement_components (import_id)');
    await q.query('CREATE INDEX settlement_components_order ON settlement_components (order_ref, component, currency) WHERE order_ref IS NOT NULL');
    await q.query('ALTER TABLE settlement_components ADD CONSTRAINT settlement_components_import_id_fkey FOREIGN KEY (import_id) REFERENCES settlement_imports (id)');
    await q.query('ALTER TABLE settlement_match_items ADD CONSTRAINT settlement_match_items_component_id_fkey FOREIGN KEY (component_id) REFERENCES settlement_components (id)');
    await q.query('ALTER TABLE settlement_match_items ADD CONSTRAINT settlement_match_items_match_id_fkey FOREIGN KEY (match_id) REFERENCES settlement_matches (id)');
  }
}
