/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = [
  'return_cases', 'return_lines', 'return_events', 'return_dispositions', 'return_refunds', 'return_refund_components',
  'return_refund_transactions', 'return_exchange_lines',
] as const;
