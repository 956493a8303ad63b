/** PENDING until a worker has applied it; IGNORED for topics the hub does not act on yet. */
export type InboxStatus = 'PENDING' | 'PROCESSED' | 'IGNORED' | 'REJECTED' | 'FAILED';

export interface NewInboxRow {
  readonly id: string;
  readonly source: string;
  readonly account: string | null;
  readonly topic: string;
  readonly dedupeKey: string;
  readonly eventId: string | null;
  readonly bodyHash: string;
  readonly rawBody: Buffer;
  readonly redactedFields: readonly string[];
  readonly headers: Record<string, string>;
  readonly correlationId: string;
  readonly status: InboxStatus;
  readonly error: string | null;
  readonly triggeredAt: Date | null;
}

/** inserted: new work; duplicate: same key and body seen before; conflict: same key, other body. */
export type InboxWriteOutcome =
  | { readonly kind: 'inserted'; readonly id: string }
  | { readonly kind: 'duplicate'; readonly id: string; readonly status: InboxStatus }
  | { readonly kind: 'conflict'; readonly id: string };
