import { Injectable } from '@nestjs/common';

/** A missing mapping as the worklist shows it; `orderCount` is 0 for keys that hold no order (a fee type). */
export interface UnmappedEntry {
  readonly kind: string;
  readonly channel: string;
  readonly account: string;
  readonly sourceValue: string;
  readonly orderCount: number;
  readonly since: Date;
}

export type UnmappedSource = (limit: number) => Promise<UnmappedEntry[]>;

/**
 * The one worklist of missing mappings. Orders list the keys holding orders; other modules
 * add theirs (settlements: fee types with no FEE_TYPE mapping) without the worklist reading
 * their tables.
 */
@Injectable()
export class UnmappedWorklist {
  private readonly sources: UnmappedSource[] = [];

  contribute(source: UnmappedSource): void {
    this.sources.push(source);
  }

  /** Every contributor's entries, most blocking first, then oldest. */
  async others(limit: number): Promise<UnmappedEntry[]> {
    const lists = await Promise.all(this.sources.map((source) => source(limit)));
    return lists.flat();
  }
}

export function mergeWorklist(lists: readonly (readonly UnmappedEntry[])[], limit: number): UnmappedEntry[] {
  return lists.flat().sort((a, b) => b.orderCount - a.orderCount || a.since.getTime() - b.since.getTime()
    || a.kind.localeCompare(b.kind) || a.sourceValue.localeCompare(b.sourceValue)).slice(0, limit);
}
