import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConcurrencyGate, GraphQLBusyError } from './graphql-reads.js';

describe('ConcurrencyGate', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('holds the next query back until the time a long one took is paid back at the share', async () => {
    const gate = new ConcurrencyGate(2, 10_000, 0.5);
    const release = await gate.enter();
    jest.advanceTimersByTime(1500);
    release();
    // 1000 ms lent up front, 750 earned while it ran (capped at 1000), 1500 spent: 500 ms owed, 1000 ms at half share.
    let admitted = false;
    const next = gate.enter().then((r) => {
      admitted = true;
      return r;
    });
    await jest.advanceTimersByTimeAsync(900);
    expect(admitted).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    expect(admitted).toBe(true);
    (await next)();
  });

  it('lets short queries through at once, up to the concurrency limit', async () => {
    const gate = new ConcurrencyGate(2, 0, 0.3);
    const first = await gate.enter();
    const second = await gate.enter();
    await expect(gate.enter()).rejects.toBeInstanceOf(GraphQLBusyError);
    first();
    second();
    (await gate.enter())();
  });

  it('refuses a waiter it cannot admit within the wait', async () => {
    const gate = new ConcurrencyGate(1, 100, 0.1);
    const release = await gate.enter();
    jest.advanceTimersByTime(5000);
    release();
    const waiting = gate.enter();
    jest.advanceTimersByTime(101);
    await expect(waiting).rejects.toBeInstanceOf(GraphQLBusyError);
  });
});
