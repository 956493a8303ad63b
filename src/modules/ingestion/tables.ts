/** The tables this module owns; others reach them only through its exported services. */
export const OWNED_TABLES = ['inbox', 'channel_poll_watermarks'] as const;
