import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Postings are keyed by their subject: (target, subject type, subject id, document type,
 * document key). The subject is an order today; a return, a refund, a settlement, a payout or
 * a store day later, each a hub record with a uuid. order_id stays, nullable, as the order a
 * document belongs to (the order's views list its ERP documents by it). A document that acts
 * on another posting (an item fulfilment or line change acts on the target's sales order; a
 * return's credit memo will too) names it in depends_on: it is sent only once that landed, one
 * at a time per posting acted on, and re-driven when it lands. Document and subject types are
 * the code's registry (builders checked at boot), so no CHECK lists them.
 */
export class PostingsBySubject1764387000000 implements MigrationInterface {
  name = 'PostingsBySubject1764387000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings ADD COLUMN subject_type text, ADD COLUMN subject_id uuid,
                   ADD COLUMN depends_on uuid REFERENCES postings (id) ON DELETE RESTRICT`);
    await q.query(`UPDATE postings SET subject_type = 'ORDER', subject_id = order_id`);
    await q.query(`UPDATE postings p SET depends_on = so.id FROM postings so
                   WHERE p.document_type <> 'SALES_ORDER' AND so.order_id = p.order_id AND so.target_id = p.target_id AND so.document_type = 'SALES_ORDER'`);
    await q.query(`ALTER TABLE postings ALTER COLUMN subject_type SET NOT NULL, ALTER COLUMN subject_id SET NOT NULL, ALTER COLUMN order_id DROP NOT NULL`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_once`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_once UNIQUE (target_id, subject_type, subject_id, document_type, document_key)`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_document_type_check`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_document_type_format CHECK (document_type ~ '^[A-Z][A-Z0-9_]{0,62}$')`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_subject_type_format CHECK (subject_type ~ '^[A-Z][A-Z0-9_]{0,62}$')`);
    // Landing counts the subject's open primary documents; the claim and landing find a posting's dependants.
    await q.query(`CREATE INDEX postings_subject_idx ON postings (subject_type, subject_id)`);
    await q.query(`CREATE INDEX postings_depends_on_idx ON postings (depends_on) WHERE depends_on IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM postings WHERE order_id IS NULL`);
    await q.query(`DROP INDEX postings_depends_on_idx`);
    await q.query(`DROP INDEX postings_subject_idx`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_subject_type_format`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_document_type_format`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_document_type_check CHECK (document_type IN ('SALES_ORDER', 'ITEM_FULFILLMENT', 'SALES_ORDER_CHANGE'))`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_once`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_once UNIQUE (target_id, document_type, order_id, document_key)`);
    await q.query(`ALTER TABLE postings ALTER COLUMN order_id SET NOT NULL`);
    await q.query(`ALTER TABLE postings DROP COLUMN depends_on, DROP COLUMN subject_id, DROP COLUMN subject_type`);
  }
}
