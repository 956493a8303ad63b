import { Injectable, Module } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';

/**
 * The note on a kept delivery, for modules that learn later what became of it (a held
 * shipment confirmed or held for another reason), written in their transaction.
 */
@Injectable()
export class InboxNotes {
  /** Replaces the delivery's note only while it is still a note that starts with `prefix`. */
  async replaceNote(runner: QueryRunner, inboxId: string, note: string, prefix: string): Promise<void> {
    await runner.query(`UPDATE inbox SET error = $2 WHERE id = $1 AND starts_with(error, $3)`, [inboxId, note.slice(0, 2000), prefix]);
  }
}

/** Imports nothing, so the modules the inbox processor calls can use it without a cycle. */
@Module({ providers: [InboxNotes], exports: [InboxNotes] })
export class InboxNotesModule {}
