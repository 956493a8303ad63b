import type { ErpAdapter, ErpConnection } from '../../adapters/erp/erp-adapter.port.js';
import { erpVariant } from '../../adapters/erp/erp-variants.js';
import type { ErpTarget } from './erp-target.js';

/** One adapter per target, kept while its configuration is unchanged (adapters cache tokens). */
export class ErpAdapterFactory {
  private readonly adapters = new Map<string, { fingerprint: string; adapter: ErpAdapter }>();

  forTarget(target: ErpTarget): ErpAdapter {
    const fingerprint = JSON.stringify([target.variant, target.baseUrl, target.credentials, target.settings, target.timeoutMs]);
    const cached = this.adapters.get(target.id);
    if (cached && cached.fingerprint === fingerprint) return cached.adapter;
    const definition = erpVariant(target.variant);
    // Targets are checked against the registry when saved; one that no longer matches is a deployment fault.
    if (!definition) throw new Error(`target ${target.id} has variant ${target.variant}, which this build does not know`);
    const connection: ErpConnection = {
      targetId: target.id, variant: target.variant, baseUrl: target.baseUrl, credentials: target.credentials, settings: target.settings, timeoutMs: target.timeoutMs,
    };
    const adapter = definition.create(connection);
    this.adapters.set(target.id, { fingerprint, adapter });
    return adapter;
  }
}
