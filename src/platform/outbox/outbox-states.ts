/**
 * The states every outbox row goes through, whatever it carries. DONE is the owner's word for
 * delivered (postings: POSTED, outbound messages: SENT); WITHDRAWN is for owners that can take a
 * row back before it is sent (postings).
 */
export type OutboxState = 'PENDING' | 'IN_FLIGHT' | 'RETRYING' | 'DEAD' | 'DONE' | 'WITHDRAWN';

/** Why a row moves: claim, the send's outcome, the stuck-row sweep, a person's replay, its owner's withdraw. */
export type OutboxEvent = 'claim' | 'delivered' | 'retry' | 'dead' | 'stuck' | 'replay' | 'withdraw';

const TRANSITIONS: Readonly<Record<OutboxEvent, { readonly from: readonly OutboxState[]; readonly to: OutboxState }>> = {
  claim: { from: ['PENDING', 'RETRYING'], to: 'IN_FLIGHT' },
  delivered: { from: ['IN_FLIGHT'], to: 'DONE' },
  retry: { from: ['IN_FLIGHT'], to: 'RETRYING' },
  dead: { from: ['IN_FLIGHT'], to: 'DEAD' },
  // The worker died mid-send: the outcome is unknown, so the next try looks up first.
  stuck: { from: ['IN_FLIGHT'], to: 'RETRYING' },
  replay: { from: ['DEAD', 'RETRYING'], to: 'RETRYING' },
  withdraw: { from: ['PENDING', 'RETRYING', 'DEAD'], to: 'WITHDRAWN' },
};

/** The state after `event`, or null when a row in `state` cannot take it (the guarded UPDATE matches nothing). */
export function transition(state: OutboxState, event: OutboxEvent): OutboxState | null {
  const rule = TRANSITIONS[event];
  return rule.from.includes(state) ? rule.to : null;
}

/** The states `event` applies to: the guard of its UPDATE. */
export function statesFor(event: OutboxEvent): readonly OutboxState[] {
  return TRANSITIONS[event].from;
}

/** States a worker claims from; the partial due-index of every outbox table covers exactly these. */
export const DUE_STATES = statesFor('claim');
