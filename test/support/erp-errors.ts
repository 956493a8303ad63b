import { ErpError } from '../../src/adapters/erp/erp-adapter.port.js';

/** The ErpError a call fails with; anything else it throws, and a call that succeeds, fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<ErpError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ErpError) return err;
    throw err;
  }
  throw new Error('expected the call to fail with an ErpError');
}
