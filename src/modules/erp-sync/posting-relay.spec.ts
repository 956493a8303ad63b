import { duePayload } from './outbox/posting-outbox.js';
import { parseDuePayload } from './posting-relay.js';

describe('due posting notifications', () => {
  const id = '0b7d3c1e-5f6a-4b2c-9d8e-7f6a5b4c3d2e';

  it('carry the target, the posting and its attempt, as the relay reads them back', () => {
    expect(parseDuePayload(duePayload('netsuite-eu', id, 3))).toEqual({ targetId: 'netsuite-eu', postingId: id, attempts: 3 });
  });

  it('anything else asks the relay to look for itself', () => {
    for (const payload of ['', 'look', `netsuite/${id}`, `Netsuite/${id}/0`, `netsuite/${id}/-1`, `netsuite/${id}/1/2`, `netsuite/not-a-uuid/0`]) {
      expect(parseDuePayload(payload)).toBeNull();
    }
  });
});
