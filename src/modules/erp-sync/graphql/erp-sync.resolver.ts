import { Inject } from '@nestjs/common';
import { Args, Field, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { userError } from '../../../platform/graphql/graphql-errors.js';
import { GraphQLReads } from '../../../platform/graphql/graphql-reads.js';
import { ErpTargetsService, viewOf } from '../erp-targets.service.js';

@ObjectType('ErpTarget', { description: 'An ERP the hub posts to. Credentials are write-only and never shown.' })
class ErpTargetModel {
  @Field() id: string;
  @Field() variant: string;
  @Field() baseUrl: string;
  @Field(() => Int) concurrencyCap: number;
  @Field(() => Int, { nullable: true }) rateLimitPerSecond: number | null;
  @Field(() => Int) timeoutMs: number;
  @Field(() => [String], { nullable: true }) routingChannels: string[] | null;
  @Field(() => [String], { nullable: true }) routingAccounts: string[] | null;
  @Field() enabled: boolean;
  @Field(() => [String]) credentialNames: string[];
  @Field({ description: 'The non-secret settings of the ERP account, as a JSON object' }) settings: string;
}

@ObjectType('Posting', { description: 'One document to one ERP target.' })
class PostingModel {
  @Field() id: string;
  @Field() targetId: string;
  @Field({ description: 'SALES_ORDER, ITEM_FULFILLMENT or SALES_ORDER_CHANGE' }) documentType: string;
  @Field({ description: "'' for the sales order; the shipment id for an item fulfilment; 'cancel' for a cancellation" }) documentKey: string;
  @Field() orderId: string;
  @Field() status: string;
  @Field(() => Int) attempts: number;
  @Field(() => String, { nullable: true, description: 'The worker process (host:pid) that last claimed it' }) claimedBy: string | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => String, { nullable: true }) lastErrorKind: string | null;
  @Field(() => String, { nullable: true }) erpInternalId: string | null;
  @Field(() => String, { nullable: true }) erpDocumentNumber: string | null;
  @Field() nextAttemptAt: Date;
  @Field() updatedAt: Date;
}

@InputType('PostingFilter')
class PostingFilterInput {
  @Field({ nullable: true }) status?: string;
  @Field({ nullable: true }) targetId?: string;
}

const STATUSES = ['PENDING', 'IN_FLIGHT', 'POSTED', 'RETRYING', 'DEAD', 'WITHDRAWN'];

@Resolver()
export class ErpSyncResolver {
  constructor(
    @Inject(ErpTargetsService) private readonly targets: ErpTargetsService,
    @Inject(GraphQLReads) private readonly reads: GraphQLReads,
  ) {}

  @Query(() => [ErpTargetModel])
  async erpTargets(): Promise<ErpTargetModel[]> {
    return (await this.targets.list()).map(viewOf).map((t) => ({
      ...t, routingChannels: t.routing.channels ? [...t.routing.channels] : null, routingAccounts: t.routing.accounts ? [...t.routing.accounts] : null,
      settings: JSON.stringify(t.settings),
    }));
  }

  @Query(() => [PostingModel], { description: 'Postings, most recently changed first, with their errors.' })
  async postings(
    @Args('filter', { nullable: true, type: () => PostingFilterInput }) filter?: PostingFilterInput,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
  ): Promise<PostingModel[]> {
    if (first < 1 || first > 500) throw userError('INVALID_PAGE_SIZE', 'first must be between 1 and 500', 'first');
    if (filter?.status && !STATUSES.includes(filter.status)) throw userError('VALIDATION_FAILED', `status must be one of ${STATUSES.join(', ')}`, 'filter.status');
    const rows = await this.reads.query(
      `SELECT * FROM postings WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR target_id = $2)
       ORDER BY updated_at DESC LIMIT $3`,
      [filter?.status ?? null, filter?.targetId ?? null, first],
    );
    return rows.map((r) => ({
      id: r.id as string, targetId: r.target_id as string, documentType: r.document_type as string, documentKey: r.document_key as string,
      orderId: r.order_id as string, status: r.status as string, attempts: r.attempts as number, claimedBy: r.claimed_by as string | null,
      lastError: r.last_error as string | null,
      lastErrorKind: r.last_error_kind as string | null, erpInternalId: r.erp_internal_id as string | null,
      erpDocumentNumber: r.erp_document_number as string | null, nextAttemptAt: new Date(r.next_attempt_at as string),
      updatedAt: new Date(r.updated_at as string),
    }));
  }
}
