import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKey } from '../../platform/config/app-config.js';
import { currentCorrelationId } from '../../platform/correlation/correlation.js';
import { inTransaction } from '../../platform/database/sql.js';
import { ApiError } from '../../platform/http/api-error.js';
import { HOLD_REASONS, isHoldReason, type HoldReason } from '../orders/domain/order-state.js';
import { ManualOrderActions, type ManualAction, type ManualOutcome } from '../orders/manual-order-actions.js';
import { InboxProcessorService } from './inbox-processor.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NOTE = 2000;

export interface ActionAnswer {
  id: string;
  from: string;
  status: string;
  holdReasons: readonly string[];
  overriddenGates: readonly string[];
}

function input(id: string, raw: unknown, apiKey: ApiKey | undefined): ManualAction {
  if (!UUID.test(id)) throw new ApiError(400, 'VALIDATION_FAILED', 'id must be an order id (uuid)', 'id');
  // The roles guard (REST) or the resolver has checked it; a call without it is a programming error.
  if (!apiKey) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: Authorization: Bearer <key>', 'Authorization');
  const body = bodyOf(raw);
  const note = body.note;
  if (typeof note !== 'string' || note.trim() === '') throw new ApiError(400, 'VALIDATION_FAILED', 'note is required: say why the order is released or held', 'note');
  if (note.length > MAX_NOTE || note.includes('\u0000')) throw new ApiError(400, 'VALIDATION_FAILED', `note must be at most ${MAX_NOTE} characters, without NUL`, 'note');
  return { actor: apiKey.name, note: note.trim(), correlationId: currentCorrelationId() ?? randomUUID() };
}

function bodyOf(raw: unknown): Record<string, unknown> {
  // No body at all is an empty object, so the answer names the missing field (note).
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError(400, 'VALIDATION_FAILED', 'the body must be a JSON object', 'body');
  return raw as Record<string, unknown>;
}

function overridesOf(raw: unknown): HoldReason[] {
  const value = bodyOf(raw).overrideGates;
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isHoldReason) || value.includes('MANUAL_HOLD')) {
    const gates = HOLD_REASONS.filter((r) => r !== 'MANUAL_HOLD');
    throw new ApiError(400, 'VALIDATION_FAILED', `overrideGates must be a list of ${gates.join(', ')}`, 'overrideGates');
  }
  return [...new Set(value)];
}

function answer(id: string, outcome: ManualOutcome, action: 'released' | 'held'): ActionAnswer {
  switch (outcome.kind) {
    case 'DONE':
      return { id, from: outcome.from, status: outcome.status, holdReasons: outcome.holdReasons, overriddenGates: outcome.overridden };
    case 'NOT_FOUND':
      throw new ApiError(404, 'NOT_FOUND', `no order ${id}`, 'id');
    case 'NOT_ALLOWED':
      throw new ApiError(409, 'TRANSITION_NOT_ALLOWED', `order ${id} is ${outcome.status}; it cannot be ${action} from there`, 'id');
    case 'NO_DELIVERY':
      throw new ApiError(409, 'NO_DELIVERY', `order ${id} has no applied channel delivery to check the release gates on`, 'id');
    case 'GATES_FAILED':
      throw new ApiError(
        409, 'RELEASE_GATES_FAILED',
        `order ${id} still fails: ${outcome.gates.map((g) => `${g.reason} (${g.detail})`).join('; ')}; name them in overrideGates to release anyway`,
        'overrideGates',
      );
  }
}

/**
 * A person releases or holds one order, with a note; who (the API key's name) and why go into
 * the order's history. A release runs the release gates again over the order's latest channel
 * delivery, except the ones named in overrideGates. REST and GraphQL both come here.
 */
@Injectable()
export class OrderActions {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ManualOrderActions) private readonly actions: ManualOrderActions,
    @Inject(InboxProcessorService) private readonly inbox: InboxProcessorService,
  ) {}

  async release(id: string, body: unknown, apiKey: ApiKey | undefined): Promise<ActionAnswer> {
    const by = input(id, body, apiKey);
    const overrides = overridesOf(body);
    const outcome = await inTransaction(this.dataSource, (runner) =>
      this.actions.release(runner, id, overrides, by, (inboxId) => this.inbox.latestOrder(runner, inboxId)));
    return answer(id, outcome, 'released');
  }

  async hold(id: string, body: unknown, apiKey: ApiKey | undefined): Promise<ActionAnswer> {
    const by = input(id, body, apiKey);
    const outcome = await inTransaction(this.dataSource, (runner) => this.actions.hold(runner, id, by));
    return answer(id, outcome, 'held');
  }
}
