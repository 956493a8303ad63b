import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { roleAllows } from '../../../platform/auth/api-keys.js';
import type { AuthenticatedRequest } from '../../../platform/auth/roles.guard.js';
import { checkDate, userError } from '../../../platform/graphql/graphql-errors.js';
import { ApiError } from '../../../platform/http/api-error.js';
import { ChannelEnum } from '../../orders/graphql/order.model.js';
import { checkDraft, type MappingKind } from '../mapping-kinds.js';
import type { MappingFilter, MappingVersion } from '../mapping-store.js';
import { MappingService, resolutionKey, type WriteContext } from '../mapping.service.js';
import { validationError } from '../master-data.errors.js';
import {
  CreateMappingInput, MappingFilterInput, MappingKindEnum, MappingModel, MappingTargetInput, MappingTargetModel,
} from './mapping.model.js';

const MAX_LIMIT = 1000;

/** Mercurius puts the Fastify reply (and Nest the request) on the context. */
interface GraphQLContext {
  readonly reply?: { readonly request?: AuthenticatedRequest };
  readonly req?: AuthenticatedRequest;
}

/** The same service errors REST answers with a status, as GraphQL errors with code and field. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw userError(error.code, error.message, error.field);
    throw error;
  }
}

/** GraphQL inputs carry every field, unset ones as null; the validator wants only the given ones. */
function given(input: MappingTargetInput | null | undefined): Record<string, unknown> | undefined {
  if (!input) return undefined;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * Mappings over GraphQL: every key reads; mutations need the admin role. Authentication
 * happened before GraphQL ran (request hook); the role is checked here.
 * @since 0.2.0
 */
@Resolver(() => MappingModel)
export class MappingsResolver {
  constructor(@Inject(MappingService) private readonly service: MappingService) {}

  @Query(() => [MappingModel], { description: 'Current mappings, ordered by kind, channel and source value.' })
  mappings(
    @Args('filter', { nullable: true, type: () => MappingFilterInput }) filter?: MappingFilterInput,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit = 100,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset = 0,
  ): Promise<MappingVersion[]> {
    if (limit < 1 || limit > MAX_LIMIT) throw userError('VALIDATION_FAILED', `limit must be between 1 and ${MAX_LIMIT}`, 'limit');
    if (offset < 0) throw userError('VALIDATION_FAILED', 'offset must not be negative', 'offset');
    const query: MappingFilter = { ...filter, kind: filter?.kind as MappingKind | undefined, limit, offset };
    return answer(() => this.service.list({}, query));
  }

  @Query(() => [MappingModel], { description: 'Every version of a mapping, oldest first.' })
  mappingHistory(@Args('mappingKey', { type: () => ID }) mappingKey: string): Promise<MappingVersion[]> {
    return answer(() => this.service.history({}, mappingKey));
  }

  @Query(() => MappingTargetModel, {
    nullable: true,
    description: 'What a channel value maps to, by precedence (exact account and target first); null when unmapped. asOf: as it was then.',
  })
  async resolveMapping(
    @Args('kind', { type: () => MappingKindEnum }) kind: string,
    @Args('channel', { type: () => ChannelEnum }) channel: string,
    @Args('sourceValue') sourceValue: string,
    @Args('account', { nullable: true, type: () => String }) account?: string | null,
    @Args('erpTarget', { nullable: true, type: () => String }) erpTarget?: string | null,
    @Args('asOf', { nullable: true, type: () => Date }) asOf?: Date | null,
  ): Promise<MappingTargetModel | null> {
    checkDate(asOf, 'asOf');
    const key = { kind: kind as MappingKind, channel, account, erpTarget, sourceValue };
    const answers = await answer(() => this.service.resolve({}, [key], asOf ?? undefined));
    return answers.get(resolutionKey(key)) ?? null;
  }

  @Mutation(() => MappingModel)
  createMapping(@Context() context: GraphQLContext, @Args('input', { type: () => CreateMappingInput }) input: CreateMappingInput): Promise<MappingVersion> {
    return answer(async () => {
      const ctx = admin(context);
      const draft = checkDraft({ ...input, target: given(input.target) });
      if (!draft.ok) throw validationError(draft.errors);
      return this.service.create(ctx, draft.value);
    });
  }

  @Mutation(() => MappingModel, { description: 'A new version with another target; the same target writes nothing.' })
  updateMapping(
    @Context() context: GraphQLContext,
    @Args('mappingKey', { type: () => ID }) mappingKey: string,
    @Args('target', { type: () => MappingTargetInput }) target: MappingTargetInput,
    @Args('note') note: string,
  ): Promise<MappingVersion> {
    return answer(() => this.service.update(admin(context), mappingKey, { target: given(target), note }));
  }

  @Mutation(() => MappingModel)
  retireMapping(
    @Context() context: GraphQLContext,
    @Args('mappingKey', { type: () => ID }) mappingKey: string,
    @Args('note') note: string,
  ): Promise<MappingVersion> {
    return answer(() => this.service.retire(admin(context), mappingKey, note));
  }
}

/** The caller as a writer, or FORBIDDEN: writes need the admin role. */
function admin(context: GraphQLContext): WriteContext {
  const key = context.reply?.request?.apiKey ?? context.req?.apiKey;
  if (!key) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: Authorization: Bearer <key>', 'Authorization');
  if (!roleAllows(key.role, 'admin')) throw new ApiError(403, 'FORBIDDEN', `this needs the admin role; the key has ${key.role}`, 'Authorization');
  return { actor: key.name };
}
