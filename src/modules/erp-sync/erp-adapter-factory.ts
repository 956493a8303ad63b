import type { ErpAdapter, ErpConnection } from '../../adapters/erp/erp-adapter.port.js';
import { BusinessCentralAdapter } from '../../adapters/erp/dynamics365-bc/index.js';
import { NetSuiteAdapter, type NetSuiteAdapterOptions } from '../../adapters/erp/netsuite/index.js';
import type { ErpTarget } from './erp-target.js';

/** One adapter per target, kept while its configuration is unchanged (adapters cache tokens). */
export class ErpAdapterFactory {
  private readonly adapters = new Map<string, { fingerprint: string; adapter: ErpAdapter }>();

  forTarget(target: ErpTarget): ErpAdapter {
    const fingerprint = JSON.stringify([target.variant, target.baseUrl, target.credentials, target.settings, target.timeoutMs]);
    const cached = this.adapters.get(target.id);
    if (cached && cached.fingerprint === fingerprint) return cached.adapter;
    const connection: ErpConnection = {
      targetId: target.id, variant: target.variant, baseUrl: target.baseUrl, credentials: target.credentials, settings: target.settings, timeoutMs: target.timeoutMs,
    };
    const adapter = target.variant === 'netsuite'
      ? new NetSuiteAdapter(connection, target.settings as NetSuiteAdapterOptions)
      : new BusinessCentralAdapter(connection);
    this.adapters.set(target.id, { fingerprint, adapter });
    return adapter;
  }
}
