/**
 * A small declarative finite state machine: one transition table per aggregate,
 * validated when it is defined (that is, when the module that declares it loads, so a
 * broken table fails the process at start-up, not on the first unlucky order).
 *
 * Pure code: no NestJS, no I/O. Modelled on Vendure's `FSM`
 * (common/finite-state-machine), without its async hooks: side effects belong in the
 * service that does load → transition → save → publish.
 *
 * @since 0.1.0
 */

/** The states one state may move to. */
export interface StateTransitions<S extends string> {
  readonly to: readonly S[];
}

/** The whole table: every state is a key, so a state missing from it is a compile error. */
export type TransitionTable<S extends string> = { readonly [K in S]: StateTransitions<S> };

/**
 * Vetoes entering a state. Returns `true` to allow, or a reason (a message or message
 * key) to refuse. Guards are keyed by the target state, so "what must hold to be
 * RELEASED" is written once, whatever state the aggregate comes from.
 */
export type TransitionGuard<S extends string, C> = (ctx: C, transition: { readonly from: S; readonly to: S }) => true | string;

export interface StateMachineDefinition<S extends string, C = void> {
  /** Named in every error, so logs say which aggregate's table is wrong. */
  readonly name: string;
  /** Where new aggregates start. When set, every state must be reachable from it. */
  readonly initial?: S;
  readonly transitions: TransitionTable<S>;
  readonly guards?: Partial<Record<S, TransitionGuard<S, C>>>;
}

/** Guard context arguments: none when the machine has no context type (`void`). */
export type GuardArgs<C> = [C] extends [void] ? [] : [ctx: C];

export type TransitionCheck =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly vetoedBy: 'TABLE' | 'GUARD'; readonly reason: string };

export interface StateMachine<S extends string, C = void> {
  readonly name: string;
  readonly initial: S | null;
  /** Declared states, in table order. */
  readonly states: readonly S[];
  /** Narrows a value read from storage or a payload to a declared state. */
  isState(value: unknown): value is S;
  /** Whether the table allows `from → to`. Guards are not run: use `check` for that. */
  canTransition(from: S, to: S): boolean;
  /** The states the table allows from `from` (guards not applied). */
  nextStates(from: S): readonly S[];
  /** A state with no way out (CANCELLED, CLOSED). */
  isTerminal(state: S): boolean;
  /** Table and guard verdict without throwing, for services that return error results. */
  check(from: S, to: S, ...ctx: GuardArgs<C>): TransitionCheck;
  /** Throws {@link IllegalTransitionError} unless the table allows `from → to` and the target's guard passes. */
  assertTransition(from: S, to: S, ...ctx: GuardArgs<C>): void;
}

/** Base of every error this helper throws; carries the machine's name. */
export class StateMachineError extends Error {
  constructor(
    readonly machine: string,
    message: string,
  ) {
    super(message);
    this.name = 'StateMachineError';
  }
}

/** The table itself is wrong: a programmer error, raised at definition (start-up). */
export class StateMachineDefinitionError extends StateMachineError {
  constructor(
    machine: string,
    /** The offending entry, e.g. `RECEIVED.to[2]` or `guards.SHIPPED`. */
    readonly entry: string,
    problem: string,
  ) {
    super(machine, `state machine "${machine}": ${entry}: ${problem}`);
    this.name = 'StateMachineDefinitionError';
  }
}

/** A state name the machine does not declare (e.g. a bad value read from the database). */
export class UnknownStateError extends StateMachineError {
  constructor(
    machine: string,
    readonly state: string,
  ) {
    super(machine, `state machine "${machine}": unknown state ${JSON.stringify(state)}`);
    this.name = 'UnknownStateError';
  }
}

/**
 * A refused transition. `reason` is null when the table does not allow it, and the
 * guard's reason when a guard vetoed it.
 */
export class IllegalTransitionError extends StateMachineError {
  constructor(
    machine: string,
    readonly from: string,
    readonly to: string,
    readonly vetoedBy: 'TABLE' | 'GUARD',
    readonly reason: string,
  ) {
    super(machine, `state machine "${machine}": cannot transition from ${from} to ${to}: ${reason}`);
    this.name = 'IllegalTransitionError';
  }
}

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Checks the table and returns each state's targets, or throws naming the bad entry. */
function validate<S extends string, C>(definition: StateMachineDefinition<S, C>): Map<S, readonly S[]> {
  const name = definition.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new StateMachineDefinitionError(String(name), 'name', 'a state machine needs a non-empty name');
  }
  const table = definition.transitions as Record<string, StateTransitions<S> | undefined>;
  if (table === null || typeof table !== 'object') {
    throw new StateMachineDefinitionError(name, 'transitions', 'must be an object keyed by state');
  }
  const states = Object.keys(table) as S[];
  if (states.length === 0) throw new StateMachineDefinitionError(name, 'transitions', 'declares no states');

  const declared = new Set<string>(states);
  const targets = new Map<S, readonly S[]>();
  for (const state of states) {
    if (state.trim() === '') throw new StateMachineDefinitionError(name, quote(state), 'a state name must not be empty');
    const entry = table[state];
    if (entry === null || typeof entry !== 'object' || !Array.isArray(entry.to)) {
      throw new StateMachineDefinitionError(name, `${state}.to`, 'must be an array of states');
    }
    const seen = new Set<string>();
    entry.to.forEach((target, index) => {
      if (!declared.has(target)) {
        throw new StateMachineDefinitionError(name, `${state}.to[${index}]`, `${quote(target)} is not a declared state`);
      }
      if (seen.has(target)) {
        throw new StateMachineDefinitionError(name, `${state}.to[${index}]`, `${quote(target)} is listed twice`);
      }
      seen.add(target);
    });
    targets.set(state, Object.freeze([...entry.to]));
  }

  const initial = definition.initial;
  if (initial !== undefined && !declared.has(initial)) {
    throw new StateMachineDefinitionError(name, 'initial', `${quote(initial)} is not a declared state`);
  }
  assertReachable(name, states, targets, initial);

  for (const key of Object.keys(definition.guards ?? {})) {
    if (!declared.has(key)) throw new StateMachineDefinitionError(name, `guards.${key}`, 'guards a state that is not declared');
    const guard = (definition.guards as Record<string, unknown>)[key];
    if (guard !== undefined && typeof guard !== 'function') {
      throw new StateMachineDefinitionError(name, `guards.${key}`, 'must be a function');
    }
  }
  return targets;
}

/**
 * With an initial state, every state must be reachable from it (this also catches
 * islands: two states that only lead to each other). Without one, every state must be
 * entered from some other state; a self-transition alone does not make a state reachable.
 */
function assertReachable<S extends string>(name: string, states: readonly S[], targets: Map<S, readonly S[]>, initial: S | undefined): void {
  if (initial !== undefined) {
    const reached = new Set<S>([initial]);
    const queue: S[] = [initial];
    for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
      for (const next of targets.get(state) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    const unreachable = states.find((state) => !reached.has(state));
    if (unreachable !== undefined) {
      throw new StateMachineDefinitionError(name, unreachable, `is not reachable from the initial state ${initial}`);
    }
    return;
  }
  const entered = new Set<S>();
  for (const [from, tos] of targets) for (const to of tos) if (to !== from) entered.add(to);
  const orphan = states.find((state) => !entered.has(state));
  if (orphan !== undefined) {
    throw new StateMachineDefinitionError(name, orphan, 'no transition leads to it from another state; declare it as initial or add one');
  }
}

/**
 * Defines and validates a state machine. Throws {@link StateMachineDefinitionError} if
 * a target is not a declared state, a target is listed twice, the initial state is not
 * declared, a state cannot be reached, or a guard names an undeclared state.
 *
 * @example
 * const machine = defineStateMachine<'A' | 'B'>({ name: 'demo', initial: 'A', transitions: { A: { to: ['B'] }, B: { to: [] } } });
 * machine.assertTransition('A', 'B');
 * @since 0.1.0
 */
export function defineStateMachine<S extends string, C = void>(definition: StateMachineDefinition<S, C>): StateMachine<S, C> {
  const targets = validate(definition);
  const name = definition.name;
  const states = Object.freeze([...targets.keys()]);
  const guards = { ...(definition.guards ?? {}) } as Partial<Record<S, TransitionGuard<S, C>>>;

  const isState = (value: unknown): value is S => typeof value === 'string' && targets.has(value as S);
  const nextStates = (from: S): readonly S[] => {
    const next = targets.get(from);
    if (next === undefined) throw new UnknownStateError(name, String(from));
    return next;
  };

  const check = (from: S, to: S, ...args: GuardArgs<C>): TransitionCheck => {
    if (!isState(from)) return { allowed: false, vetoedBy: 'TABLE', reason: `${quote(from)} is not a state of ${name}` };
    if (!isState(to)) return { allowed: false, vetoedBy: 'TABLE', reason: `${quote(to)} is not a state of ${name}` };
    const next = nextStates(from);
    if (!next.includes(to)) {
      return { allowed: false, vetoedBy: 'TABLE', reason: `not in the table (allowed from ${from}: ${next.length > 0 ? next.join(', ') : 'none'})` };
    }
    const guard = guards[to];
    if (guard === undefined) return { allowed: true };
    const verdict: unknown = guard(args[0] as C, { from, to });
    if (verdict === true) return { allowed: true };
    const reason = typeof verdict === 'string' && verdict !== '' ? verdict : `vetoed by the guard on ${to}`;
    return { allowed: false, vetoedBy: 'GUARD', reason };
  };

  return Object.freeze({
    name,
    initial: definition.initial ?? null,
    states,
    isState,
    canTransition: (from: S, to: S) => targets.get(from)?.includes(to) ?? false,
    nextStates,
    isTerminal: (state: S) => nextStates(state).length === 0,
    check,
    assertTransition(from: S, to: S, ...args: GuardArgs<C>): void {
      const verdict = check(from, to, ...args);
      if (!verdict.allowed) throw new IllegalTransitionError(name, String(from), String(to), verdict.vetoedBy, verdict.reason);
    },
  });
}
