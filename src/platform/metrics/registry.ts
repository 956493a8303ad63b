import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry for the process; /metrics serves it in Prometheus text format. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'hub_' });
