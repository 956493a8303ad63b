import type { ErpDocumentCopy } from '../../../adapters/erp/erp-adapter.port.js';
import { judgeCopies } from './duplicate-judge.js';

const copy = (internalId: string, posted = false): ErpDocumentCopy => ({ internalId, documentNumber: `S-${internalId}`, posted, etag: `W/"${internalId}"` });

describe('judgeCopies', () => {
  it('keeps the landed document, deletes an unposted extra and flags a posted one', () => {
    const actions = judgeCopies([copy('a'), copy('B'), copy('c', true)], 'b');
    expect(actions.map((a) => [a.kind, a.copy.internalId])).toEqual([['delete', 'a'], ['flag', 'c']]);
  });

  it('does nothing with one document, or before the posting landed', () => {
    expect(judgeCopies([copy('a')], 'a')).toEqual([]);
    expect(judgeCopies([copy('a'), copy('b')], null)).toEqual([]);
  });

  it('flags every extra when the landed document is not among them, deleting none', () => {
    const actions = judgeCopies([copy('a'), copy('b')], 'z');
    expect(actions.map((a) => a.kind)).toEqual(['flag', 'flag']);
  });
});
