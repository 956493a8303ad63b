import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The document key prefix of a line change that brings the ERP's order in line with an order edit. */
export const EDIT_CHANGE_PREFIX = 'edit-';

/**
 * Whether a target still owes an order an edit's line change. A shipment of a line an edit added
 * can only be fulfilled in the ERP once the line is on its sales order, so the item fulfilment
 * waits for the change (a missing dependency, never a reason to die).
 */
@Injectable()
export class PendingLineChanges {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async pending(orderId: string, targetId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM postings WHERE subject_type = 'ORDER' AND subject_id = $1 AND target_id = $2
         AND document_type = 'SALES_ORDER_CHANGE' AND document_key LIKE $3 AND status <> 'POSTED' AND status <> 'WITHDRAWN' LIMIT 1`,
      [orderId, targetId, `${EDIT_CHANGE_PREFIX}%`],
    );
    return rows.length > 0;
  }
}
