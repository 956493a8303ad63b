import type { ErpDocumentCopy } from '../../../adapters/erp/erp-adapter.port.js';

export type DuplicateAction =
  | { readonly kind: 'delete'; readonly copy: ErpDocumentCopy }
  | { readonly kind: 'flag'; readonly copy: ErpDocumentCopy; readonly why: string };

/**
 * What to do with the documents an ERP holds under one key, given the one the posting landed as.
 * The landed one stays. An extra one is deleted only while nothing was posted from it; a posted
 * extra, or any extra when the landed one is not among them (the hub cannot tell which is right),
 * is flagged for a person. Nothing to do with one document or none, or before the posting landed.
 */
export function judgeCopies(copies: readonly ErpDocumentCopy[], keptInternalId: string | null): DuplicateAction[] {
  if (copies.length < 2 || keptInternalId === null) return [];
  const same = (c: ErpDocumentCopy): boolean => c.internalId.toLowerCase() === keptInternalId.toLowerCase();
  const kept = copies.find(same);
  return copies.filter((c) => !same(c)).map((copy): DuplicateAction => {
    if (!kept) return { kind: 'flag', copy, why: `the posting's document ${keptInternalId} is not among the ${copies.length} documents with this key` };
    if (copy.posted) return { kind: 'flag', copy, why: 'a second document with this key has posted shipments or invoices: a person must reverse one' };
    return { kind: 'delete', copy };
  });
}
