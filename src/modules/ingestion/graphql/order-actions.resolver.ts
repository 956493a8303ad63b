import { Inject } from '@nestjs/common';
import { Args, Context, Field, ID, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { roleAllows } from '../../../platform/auth/api-keys.js';
import type { AuthenticatedRequest } from '../../../platform/auth/roles.guard.js';
import type { ApiKey } from '../../../platform/config/app-config.js';
import { userError } from '../../../platform/graphql/graphql-errors.js';
import { ApiError } from '../../../platform/http/api-error.js';
import { HoldReasonEnum, OrderStatusEnum } from '../../orders/graphql/order.model.js';
import { OrderActions, type ActionAnswer } from '../order-actions.js';

/** Mercurius puts the Fastify reply (and Nest the request) on the context. */
interface GraphQLContext {
  readonly reply?: { readonly request?: AuthenticatedRequest };
  readonly req?: AuthenticatedRequest;
}

@ObjectType('OrderAction', { description: 'What a manual release or hold did to the order.' })
export class OrderActionModel {
  @Field(() => ID) id!: string;
  @Field(() => OrderStatusEnum) from!: string;
  @Field(() => OrderStatusEnum) status!: string;
  @Field(() => [HoldReasonEnum]) holdReasons!: string[];
  @Field(() => [HoldReasonEnum]) overriddenGates!: string[];
}

/** The caller, or FORBIDDEN: a manual release or hold needs the operator role. */
function operator(context: GraphQLContext): ApiKey {
  const key = context.reply?.request?.apiKey ?? context.req?.apiKey;
  if (!key) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: Authorization: Bearer <key>', 'Authorization');
  if (!roleAllows(key.role, 'operator')) throw new ApiError(403, 'FORBIDDEN', `this needs the operator role; the key has ${key.role}`, 'Authorization');
  return key;
}

async function answer(work: () => Promise<ActionAnswer>): Promise<OrderActionModel> {
  try {
    const done = await work();
    return { ...done, holdReasons: [...done.holdReasons], overriddenGates: [...done.overriddenGates] };
  } catch (error) {
    if (error instanceof ApiError) throw userError(error.code, error.message, error.field);
    throw error;
  }
}

/** The manual release and hold of POST /admin/orders/{id}/release and /hold, as mutations. */
@Resolver(() => OrderActionModel)
export class OrderActionsResolver {
  constructor(@Inject(OrderActions) private readonly actions: OrderActions) {}

  @Mutation(() => OrderActionModel, { description: 'Release a held order by hand: the release gates run again except the overridden ones.' })
  releaseOrder(
    @Context() context: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('note') note: string,
    @Args('overrideGates', { type: () => [HoldReasonEnum], nullable: true }) overrideGates?: string[] | null,
  ): Promise<OrderActionModel> {
    return answer(async () => this.actions.release(id, { note, ...(overrideGates ? { overrideGates } : {}) }, operator(context)));
  }

  @Mutation(() => OrderActionModel, { description: 'Hold an order by hand (MANUAL_HOLD) until a manual release.' })
  holdOrder(@Context() context: GraphQLContext, @Args('id', { type: () => ID }) id: string, @Args('note') note: string): Promise<OrderActionModel> {
    return answer(async () => this.actions.hold(id, { note }, operator(context)));
  }
}
