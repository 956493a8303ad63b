import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { advanceWatermark } from './channel-poller.js';

const at = (cursor: string) => ({ cursor });

describe('advanceWatermark', () => {
  it('moves to the highest cursor of the page, whatever its order', () => {
    expect(advanceWatermark(null, [at('2026-05-01T10:00:02Z'), at('2026-05-01T10:00:05Z'), at('2026-05-01T10:00:03Z')])).toBe('2026-05-01T10:00:05Z');
  });

  it('stays where it is for an empty page or a page of older events', () => {
    expect(advanceWatermark(null, [])).toBeNull();
    expect(advanceWatermark('2026-05-01T10:00:05Z', [])).toBe('2026-05-01T10:00:05Z');
    expect(advanceWatermark('2026-05-01T10:00:05Z', [at('2026-05-01T09:00:00Z')])).toBe('2026-05-01T10:00:05Z');
  });

  it('never moves back and always covers every event of the page', () => {
    fc.assert(fc.property(fc.option(fc.string()), fc.array(fc.string()), (current, cursors) => {
      const next = advanceWatermark(current, cursors.map(at));
      if (current !== null) expect(next !== null && next >= current).toBe(true);
      for (const cursor of cursors) expect(next !== null && next >= cursor).toBe(true);
    }));
  });
});
