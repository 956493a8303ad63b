import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CHANNEL_CODES } from '../../adapters/channels/registry.js';
import { PAYMENT_PROVIDER_CODES } from '../../adapters/payments/providers.js';
import { GraphQLReads } from '../../platform/graphql/graphql-reads.js';
import { UnmappedWorklist, type UnmappedEntry } from '../master-data/unmapped-worklist.js';
import { UNKNOWN_FEE_KEY_PREFIX } from './fee-type-check.js';

/**
 * Puts each fee type with an open UNKNOWN_FEE_TYPE break on the unmapped worklist (kind
 * FEE_TYPE, every account), oldest first. Only channels a mapping can name are listed:
 * a payment provider's fees (Stripe, Adyen) stay as breaks until it is one.
 */
@Injectable()
export class FeeTypeWorklistSource implements OnModuleInit {
  constructor(
    @Inject(UnmappedWorklist) private readonly worklist: UnmappedWorklist,
    @Inject(GraphQLReads) private readonly reads: GraphQLReads,
  ) {}

  onModuleInit(): void {
    this.worklist.contribute((limit) => this.entries(limit));
  }

  async entries(limit: number): Promise<UnmappedEntry[]> {
    const rows = await this.reads.query<{ channel: string; fee_type: string; since: Date }>(`
      SELECT channel, fee_type, min(opened_at) AS since FROM (
        SELECT b.channel, b.opened_at, regexp_replace(substr(b.break_key, length($1) + length(b.channel) + 2), ':[A-Z]{3}$', '') AS fee_type
        FROM settlement_breaks b
        WHERE b.category = 'UNKNOWN_FEE_TYPE' AND b.status <> 'RESOLVED' AND b.break_key LIKE $1 || '%' AND b.channel = ANY($2::text[])
      ) t GROUP BY channel, fee_type ORDER BY since, fee_type LIMIT $3`, [UNKNOWN_FEE_KEY_PREFIX, [...CHANNEL_CODES, ...PAYMENT_PROVIDER_CODES], limit]);
    return rows.map((r) => ({ kind: 'FEE_TYPE', channel: r.channel, account: '*', sourceValue: r.fee_type, orderCount: 0, since: new Date(r.since) }));
  }
}
