/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = ['erp_targets', 'postings', 'erp_key_watches', 'erp_duplicate_documents'] as const;
