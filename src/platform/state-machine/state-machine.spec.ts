import {
  defineStateMachine,
  IllegalTransitionError,
  StateMachineDefinitionError,
  UnknownStateError,
  type TransitionTable,
} from './state-machine.js';

type Light = 'RED' | 'GREEN' | 'AMBER' | 'OFF';

const lightTable: TransitionTable<Light> = {
  RED: { to: ['GREEN', 'OFF'] },
  GREEN: { to: ['AMBER', 'OFF'] },
  AMBER: { to: ['RED', 'OFF'] },
  OFF: { to: [] },
};

function definitionError(fn: () => unknown): StateMachineDefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StateMachineDefinitionError);
    return error as StateMachineDefinitionError;
  }
  throw new Error('expected a StateMachineDefinitionError');
}

describe('defineStateMachine', () => {
  const light = defineStateMachine<Light>({ name: 'light', initial: 'RED', transitions: lightTable });

  it('answers the table', () => {
    expect(light.name).toBe('light');
    expect(light.initial).toBe('RED');
    expect(light.states).toEqual(['RED', 'GREEN', 'AMBER', 'OFF']);
    expect(light.canTransition('RED', 'GREEN')).toBe(true);
    expect(light.canTransition('RED', 'AMBER')).toBe(false);
    expect(light.canTransition('OFF', 'RED')).toBe(false);
    expect(light.nextStates('GREEN')).toEqual(['AMBER', 'OFF']);
    expect(light.isTerminal('OFF')).toBe(true);
    expect(light.isTerminal('RED')).toBe(false);
  });

  it('narrows unknown values to states', () => {
    const stored: unknown = 'AMBER';
    expect(light.isState(stored)).toBe(true);
    expect(light.isState('BLUE')).toBe(false);
    expect(light.isState(42)).toBe(false);
    expect(light.isState(undefined)).toBe(false);
  });

  it('throws IllegalTransitionError with machine, from and to', () => {
    expect(() => light.assertTransition('RED', 'GREEN')).not.toThrow();
    let caught: unknown;
    try {
      light.assertTransition('OFF', 'GREEN');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    const error = caught as IllegalTransitionError;
    expect(error).toMatchObject({ machine: 'light', from: 'OFF', to: 'GREEN', vetoedBy: 'TABLE' });
    expect(error.message).toBe('state machine "light": cannot transition from OFF to GREEN: not in the table (allowed from OFF: none)');
  });

  it('refuses states it does not declare, e.g. a bad value read from storage', () => {
    const fromDb = 'BLUE' as Light;
    expect(light.canTransition(fromDb, 'RED')).toBe(false);
    expect(light.check(fromDb, 'RED')).toEqual({ allowed: false, vetoedBy: 'TABLE', reason: '"BLUE" is not a state of light' });
    expect(() => light.assertTransition('RED', fromDb)).toThrow(IllegalTransitionError);
    expect(() => light.nextStates(fromDb)).toThrow(UnknownStateError);
  });

  it('does not change when the definition object is mutated afterwards', () => {
    const table = { A: { to: ['B'] as ('A' | 'B')[] }, B: { to: [] as ('A' | 'B')[] } };
    const machine = defineStateMachine<'A' | 'B'>({ name: 'copy', initial: 'A', transitions: table });
    table.B.to.push('A');
    expect(machine.canTransition('B', 'A')).toBe(false);
    expect(Object.isFrozen(machine.nextStates('A'))).toBe(true);
  });

  describe('validates the table when defined', () => {
    it('refuses a target that is not a declared state', () => {
      const error = definitionError(() =>
        defineStateMachine({ name: 'bad', transitions: { A: { to: ['B'] }, B: { to: ['A', 'C' as 'A'] } } }),
      );
      expect(error.machine).toBe('bad');
      expect(error.entry).toBe('B.to[1]');
      expect(error.message).toBe('state machine "bad": B.to[1]: "C" is not a declared state');
    });

    it('refuses a duplicate target', () => {
      const error = definitionError(() =>
        defineStateMachine<'A' | 'B'>({ name: 'dup', initial: 'A', transitions: { A: { to: ['B', 'B'] }, B: { to: [] } } }),
      );
      expect(error.entry).toBe('A.to[1]');
      expect(error.message).toContain('"B" is listed twice');
    });

    it('refuses an initial state that is not declared', () => {
      const error = definitionError(() =>
        defineStateMachine<'A'>({ name: 'init', initial: 'Z' as 'A', transitions: { A: { to: [] } } }),
      );
      expect(error.entry).toBe('initial');
    });

    it('refuses a state not reachable from the initial state, islands included', () => {
      const error = definitionError(() =>
        defineStateMachine<'A' | 'B' | 'C' | 'D'>({
          name: 'island',
          initial: 'A',
          transitions: { A: { to: ['B'] }, B: { to: [] }, C: { to: ['D'] }, D: { to: ['C'] } },
        }),
      );
      expect(error.entry).toBe('C');
      expect(error.message).toBe('state machine "island": C: is not reachable from the initial state A');
    });

    it('without an initial state, requires every state to be entered from another one', () => {
      expect(() => defineStateMachine<'A' | 'B'>({ name: 'loop', transitions: { A: { to: ['B'] }, B: { to: ['A'] } } })).not.toThrow();
      const error = definitionError(() =>
        defineStateMachine<'A' | 'B'>({ name: 'root', transitions: { A: { to: ['A', 'B'] }, B: { to: [] } } }),
      );
      expect(error.entry).toBe('A');
      expect(error.message).toContain('declare it as initial');
    });

    it('refuses an empty table, an empty name and malformed entries', () => {
      expect(definitionError(() => defineStateMachine<never>({ name: 'empty', transitions: {} })).entry).toBe('transitions');
      expect(definitionError(() => defineStateMachine<'A'>({ name: ' ', initial: 'A', transitions: { A: { to: [] } } })).entry).toBe('name');
      const malformed = { A: { to: 'B' } } as unknown as TransitionTable<'A'>;
      expect(definitionError(() => defineStateMachine<'A'>({ name: 'shape', initial: 'A', transitions: malformed })).entry).toBe('A.to');
    });

    it('refuses a guard on an undeclared state', () => {
      const guards = { Z: () => true } as unknown as Partial<Record<'A', () => true>>;
      const error = definitionError(() => defineStateMachine<'A'>({ name: 'g', initial: 'A', transitions: { A: { to: [] } }, guards }));
      expect(error.entry).toBe('guards.Z');
    });
  });

  describe('guards', () => {
    interface Ctx {
      readonly blockers: readonly string[];
    }
    const door = defineStateMachine<'CLOSED' | 'OPEN' | 'LOCKED', Ctx>({
      name: 'door',
      initial: 'CLOSED',
      transitions: { CLOSED: { to: ['OPEN', 'LOCKED'] }, OPEN: { to: ['CLOSED'] }, LOCKED: { to: ['CLOSED'] } },
      guards: {
        OPEN: (ctx, { from }) => (ctx.blockers.length === 0 ? true : `cannot open from ${from}: ${ctx.blockers.join(', ')}`),
      },
    });

    it('run on entering the guarded state and veto with their reason', () => {
      expect(door.check('CLOSED', 'OPEN', { blockers: [] })).toEqual({ allowed: true });
      expect(door.check('CLOSED', 'OPEN', { blockers: ['chain'] })).toEqual({
        allowed: false,
        vetoedBy: 'GUARD',
        reason: 'cannot open from CLOSED: chain',
      });
      expect(() => door.assertTransition('CLOSED', 'OPEN', { blockers: ['chain'] })).toThrow(
        'state machine "door": cannot transition from CLOSED to OPEN: cannot open from CLOSED: chain',
      );
      expect(() => door.assertTransition('CLOSED', 'LOCKED', { blockers: ['chain'] })).not.toThrow();
    });

    it('do not run when the table already refuses, and do not affect canTransition', () => {
      let calls = 0;
      const counted = defineStateMachine<'A' | 'B', null>({
        name: 'counted',
        initial: 'A',
        transitions: { A: { to: ['B'] }, B: { to: [] } },
        guards: { A: () => ((calls += 1), 'never') },
      });
      expect(counted.check('B', 'A', null)).toMatchObject({ allowed: false, vetoedBy: 'TABLE' });
      expect(counted.canTransition('A', 'B')).toBe(true);
      expect(calls).toBe(0);
    });

    it('treat an empty reason as a veto with a default reason', () => {
      const strict = defineStateMachine<'A' | 'B', null>({
        name: 'strict',
        initial: 'A',
        transitions: { A: { to: ['B'] }, B: { to: [] } },
        guards: { B: () => '' },
      });
      expect(strict.check('A', 'B', null)).toEqual({ allowed: false, vetoedBy: 'GUARD', reason: 'vetoed by the guard on B' });
    });
  });
});
