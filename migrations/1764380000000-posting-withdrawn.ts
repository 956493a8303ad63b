import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A posting can be WITHDRAWN: its document lost its reason to exist before it was sent (the
 * channel cancelled the fulfilment an item fulfilment was for). Terminal, never claimed or
 * replayed, and not a failure, so it is not DEAD.
 */
export class PostingWithdrawn1764380000000 implements MigrationInterface {
  name = 'PostingWithdrawn1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_status_check`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_status_check CHECK (status IN ('PENDING', 'IN_FLIGHT', 'POSTED', 'RETRYING', 'DEAD', 'WITHDRAWN'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE postings SET status = 'DEAD' WHERE status = 'WITHDRAWN'`);
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_status_check`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_status_check CHECK (status IN ('PENDING', 'IN_FLIGHT', 'POSTED', 'RETRYING', 'DEAD'))`);
  }
}
