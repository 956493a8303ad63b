import { metricsRegistry } from '../metrics/registry.js';
import { countOutbox } from './outbox-metrics.js';

async function count(engine: string, event: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('hub_outbox_transitions_total')!.get();
  return metric.values.find((v) => v.labels.engine === engine && v.labels.event === event)?.value ?? 0;
}

describe('outbox metrics', () => {
  it('counts each engine and event under one name', async () => {
    const before = await count('outbound', 'dead');
    countOutbox('outbound', 'dead');
    countOutbox('postings', 'dead');
    expect(await count('outbound', 'dead')).toBe(before + 1);
    expect(await count('postings', 'retry')).toBe(0);
  });
});
