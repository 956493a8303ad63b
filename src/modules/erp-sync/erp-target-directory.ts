import { Inject, Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Which ERP targets exist, for modules that name one (a mapping for a target, say). */
@Injectable()
export class ErpTargetDirectory {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The ids among these that no target has. */
  async unknown(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM erp_targets WHERE id = ANY($1)', [[...ids]]);
    const known = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !known.has(id));
  }
}

/** Imports nothing, so master data (which ERP sync itself imports) can ask without a cycle. */
@Module({ providers: [ErpTargetDirectory], exports: [ErpTargetDirectory] })
export class ErpTargetDirectoryModule {}
