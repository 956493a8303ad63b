/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = [
  'orders', 'order_lines', 'order_adjustments', 'order_shipping_lines', 'order_tenders', 'order_history', 'order_source_events', 'order_unmapped_keys',
] as const;
