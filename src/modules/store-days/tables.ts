/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = ['store_days', 'store_day_transactions', 'store_day_cash', 'store_day_journals', 'store_day_events'] as const;
