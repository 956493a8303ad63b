import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedLock } from './keyed-lock.js';

describe('KeyedLock', () => {
  it('runs tasks of one key one after another, other keys alongside, and survives a failing task', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string, ms: number, fail = false) => async (): Promise<string> => {
      events.push(`${name}:start`);
      await sleep(ms);
      events.push(`${name}:end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      lock.run('order-1', task('a', 30, true)),
      lock.run('order-1', task('b', 5)),
      lock.run('order-2', task('c', 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('b:start')).toBeGreaterThan(events.indexOf('a:end'));
    expect(events.indexOf('c:start')).toBeLessThan(events.indexOf('a:end'));
    expect(await lock.run('order-1', () => Promise.resolve('again'))).toBe('again');
  });
});
