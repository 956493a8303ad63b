import { DeliveryError } from '../../src/adapters/erp/erp-adapter.port.js';

/** The DeliveryError a call fails with; anything else it throws, and a call that succeeds, fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected the call to fail with a DeliveryError');
}
