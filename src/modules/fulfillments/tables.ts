/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = ['fulfillment_locations', 'fulfillment_requests', 'shipments', 'outbound_messages'] as const;
