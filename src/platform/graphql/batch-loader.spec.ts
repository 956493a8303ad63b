import { describe, expect, it } from '@jest/globals';
import { BatchLoader, loadBatched } from './batch-loader.js';

function recording(answer: (keys: readonly string[]) => Map<string, string>) {
  const calls: string[][] = [];
  const batch = async (keys: readonly string[]) => {
    calls.push([...keys]);
    return answer(keys);
  };
  return { calls, batch };
}

describe('BatchLoader', () => {
  it('answers every key loaded in one turn with one call, the missing ones with the default', async () => {
    const { calls, batch } = recording((keys) => new Map(keys.filter((k) => k !== 'b').map((k) => [k, k.toUpperCase()])));
    const loader = new BatchLoader(batch, () => 'none');
    // A resolver that awaited an already settled promise still joins the batch.
    const late = Promise.resolve().then(() => loader.load('c'));
    const answers = await Promise.all([loader.load('a'), loader.load('b'), loader.load('a'), late]);
    expect(answers).toEqual(['A', 'none', 'A', 'C']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('keeps answers for the request and batches later keys again', async () => {
    const { calls, batch } = recording((keys) => new Map(keys.map((k) => [k, k])));
    const loader = new BatchLoader(batch, () => '');
    await loader.load('a');
    await Promise.all([loader.load('a'), loader.load('b')]);
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('rejects every waiting key when the batch fails, and tries them again on the next load', async () => {
    let fail = true;
    const loader = new BatchLoader<string, string>(async (keys) => {
      if (fail) throw new Error('statement timeout');
      return new Map(keys.map((k) => [k, k]));
    }, () => '');
    const results = await Promise.allSettled([loader.load('a'), loader.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(loader.load('a')).resolves.toBe('a');
  });
});

describe('loadBatched', () => {
  class Reader {
    readonly calls: string[][] = [];
    async rows(keys: readonly string[]): Promise<Map<string, string[]>> {
      this.calls.push([...keys]);
      return new Map(keys.map((k) => [k, [`${k}-row`]]));
    }
  }

  it('shares one loader per method and request context, and none across requests', async () => {
    const reader = new Reader();
    const first = {};
    const [a, b] = await Promise.all([
      loadBatched(first, reader, reader.rows, 'a', () => []),
      loadBatched(first, reader, reader.rows, 'b', () => []),
    ]);
    expect([a, b]).toEqual([['a-row'], ['b-row']]);
    await loadBatched({}, reader, reader.rows, 'a', () => []);
    expect(reader.calls).toEqual([['a', 'b'], ['a']]);
  });
});
