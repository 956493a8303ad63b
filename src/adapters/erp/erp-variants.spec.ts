import { describe, expect, it } from '@jest/globals';
import { ERP_VARIANTS, erpVariant } from './erp-variants.js';

describe('the ERP variant registry', () => {
  it('holds each variant once, by its code', () => {
    const codes = ERP_VARIANTS.map((v) => v.variant);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(erpVariant(code)?.variant).toBe(code);
    expect(erpVariant('sap-s4hana')).toBeUndefined();
  });

  it('makes the adapter of the variant it names', () => {
    for (const definition of ERP_VARIANTS) {
      const adapter = definition.create({ targetId: 't', variant: definition.variant, baseUrl: 'http://127.0.0.1:1', credentials: {}, timeoutMs: 1000 });
      expect(adapter.variant).toBe(definition.variant);
    }
  });

  it('declares key limits every hub-made fulfilment key fits (F- and 20 hex digits)', () => {
    for (const definition of ERP_VARIANTS) expect(definition.maxExternalKeyLength).toBeGreaterThanOrEqual(22);
  });
});
