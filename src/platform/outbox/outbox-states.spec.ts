import { DUE_STATES, statesFor, transition, type OutboxEvent, type OutboxState } from './outbox-states.js';

const STATES: OutboxState[] = ['PENDING', 'IN_FLIGHT', 'RETRYING', 'DEAD', 'DONE', 'WITHDRAWN'];

describe('outbox states', () => {
  it('claims only due rows, and the due states are those of the partial due-indexes', () => {
    expect([...DUE_STATES]).toEqual(['PENDING', 'RETRYING']);
    expect(STATES.filter((s) => transition(s, 'claim') !== null)).toEqual(['PENDING', 'RETRYING']);
    expect(transition('PENDING', 'claim')).toBe('IN_FLIGHT');
  });

  it('moves a send outcome only from IN_FLIGHT, so a late worker changes nothing', () => {
    for (const event of ['delivered', 'retry', 'dead', 'stuck'] as OutboxEvent[]) {
      expect(STATES.filter((s) => transition(s, event) !== null)).toEqual(['IN_FLIGHT']);
    }
    expect(transition('IN_FLIGHT', 'delivered')).toBe('DONE');
    expect(transition('IN_FLIGHT', 'dead')).toBe('DEAD');
    expect(transition('IN_FLIGHT', 'stuck')).toBe('RETRYING');
  });

  it('replays DEAD and RETRYING rows, never a delivered, withdrawn or in-flight one', () => {
    expect(transition('DEAD', 'replay')).toBe('RETRYING');
    expect(transition('RETRYING', 'replay')).toBe('RETRYING');
    for (const s of ['DONE', 'WITHDRAWN', 'IN_FLIGHT', 'PENDING'] as OutboxState[]) expect(transition(s, 'replay')).toBeNull();
  });

  it('withdraws only rows that have not gone out; WITHDRAWN and DONE are terminal', () => {
    expect([...statesFor('withdraw')]).toEqual(['PENDING', 'RETRYING', 'DEAD']);
    expect(transition('IN_FLIGHT', 'withdraw')).toBeNull();
    const events: OutboxEvent[] = ['claim', 'delivered', 'retry', 'dead', 'stuck', 'replay', 'withdraw'];
    for (const terminal of ['DONE', 'WITHDRAWN'] as OutboxState[]) expect(events.map((e) => transition(terminal, e))).toEqual(events.map(() => null));
  });

});
