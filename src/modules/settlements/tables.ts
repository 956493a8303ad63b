/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = [
  'settlement_imports', 'settlement_components', 'settlement_matches', 'settlement_match_items', 'settlement_breaks', 'settlement_break_actions',
  'settlement_journals', 'settlement_erp_extracts', 'settlement_erp_extract_lines',
] as const;
