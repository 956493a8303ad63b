import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { CanonicalOrder } from '../../canonical/order.js';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import type { MappingKind } from '../master-data/mapping-kinds.js';
import { MappingService, resolutionKey, type ResolveKey } from '../master-data/mapping.service.js';
import { orderMappingKeys, type UnmappedKey } from '../master-data/order-mapping-keys.js';

/**
 * Between the channel adapter and the order aggregate: every identifier of the orders in
 * hand is resolved through master data in one call (one query at most, usually none: the
 * cache answers), and each order learns which of its identifiers are still unmapped.
 */
@Injectable()
export class OrderMappingResolver {
  constructor(
    @Inject(MappingService) private readonly mappings: MappingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async unmappedFor(runner: QueryRunner, orders: readonly CanonicalOrder[]): Promise<Map<CanonicalOrder, UnmappedKey[]>> {
    const result = new Map<CanonicalOrder, UnmappedKey[]>();
    const required = this.config.mappingRequired as readonly MappingKind[];
    if (required.length === 0 || orders.length === 0) return result;
    const keysByOrder = orders.map((order) => orderMappingKeys(order, required));
    const answers = await this.mappings.resolve({ runner }, keysByOrder.flat().flatMap((key) => [key, ...(key.alternatives ?? [])]));
    const mapped = (key: ResolveKey) => answers.get(resolutionKey(key)) != null;
    orders.forEach((order, index) => {
      // A line known by several values is unmapped only when none has a mapping; all are listed, so a mapping of any re-drives it.
      const missing = keysByOrder[index]
        .filter((key) => !mapped(key) && !(key.alternatives ?? []).some(mapped))
        .flatMap((key) => [key, ...(key.alternatives ?? [])])
        .map((key) => ({ kind: key.kind, channel: key.channel, account: key.account ?? order.source.account, sourceValue: key.sourceValue }));
      result.set(order, missing);
    });
    return result;
  }
}
