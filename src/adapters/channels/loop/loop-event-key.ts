/**
 * Which Loop event a delivery is. Loop sends no event id: an event is its return, its trigger
 * and the moment or state it reports (research: returns.md §2.1). The same event sent again,
 * even re-serialised, has the same key, so it changes a return case once.
 */

/** The triggers the hub acts on; Loop's others (shipment.processed, label.requested …) are kept and ignored. */
export const LOOP_TRIGGERS = [
  'return.created', 'return.updated', 'return.closed', 'label.created', 'label.updated', 'restock.requested', 'giftcard.requested',
] as const;
export type LoopTrigger = (typeof LOOP_TRIGGERS)[number];

export const isLoopTrigger = (value: string): value is LoopTrigger => (LOOP_TRIGGERS as readonly string[]).includes(value);

type Json = Record<string, unknown>;

/** A scalar as key text; objects and absent values are '-'. */
function part(value: unknown): string {
  if (typeof value === 'string') return value.trim() === '' ? '-' : value.trim();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return '-';
}

/**
 * The event's identity, from the body as first parsed (read once, when the delivery is kept;
 * the worker uses the stored key, so an id parsed two ways can never give two keys).
 * A restock names no moment: two restocks of one return differ only by their items, so the
 * body's hash tells them apart.
 */
export function loopEventKey(trigger: LoopTrigger, body: Json, bodyHash: string): string {
  switch (trigger) {
    case 'return.created':
    case 'return.updated':
    case 'return.closed':
      return [trigger, part(body.id), part(body.state), part(body.edited_at ?? body.created_at)].join(':');
    case 'label.created':
    case 'label.updated':
      return [trigger, part(body.return_id), part(body.tracking_number), part(body.label_status), part(body.label_updated_at)].join(':');
    case 'restock.requested':
      return [trigger, part(body.id), bodyHash.slice(0, 32)].join(':');
    case 'giftcard.requested':
      return [trigger, part(body.id)].join(':');
  }
}

/** When Loop says the event happened, where it says so. */
export function loopEventTime(trigger: LoopTrigger, body: Json): string | null {
  const at = trigger.startsWith('return.') ? body.edited_at ?? body.created_at : trigger.startsWith('label.') ? body.label_updated_at : body.created_at;
  return typeof at === 'string' && at.trim() !== '' ? at : null;
}
