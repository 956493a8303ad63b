import { SetMetadata } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { Money } from '../../canonical/money.js';

/**
 * The delivery engine's contract with the modules that own what gets delivered. A posting is
 * one document about one subject (an order today; a return, a refund, a settlement, a payout
 * or a store day later) to one target. The subject's module owns both sides of it:
 * - a builder per document type (@BuildsDocument), which reads what the document needs through
 *   its own module's services and turns it into a call on the target's adapter;
 * - the subject itself (@DeliversSubject): how the engine locks it while it counts the
 *   subject's open documents, and what happens once every primary document of it has landed.
 * Both are found at boot; a posting type without a builder, or a builder whose subject no one
 * delivers, stops the start with its name.
 */
export const DOCUMENT_BUILDER = 'hub:document-builder';
export const DELIVERY_SUBJECT = 'hub:delivery-subject';

/** The receiver's reference of a document that landed. */
export interface DeliveredRef {
  readonly internalId: string;
  readonly documentNumber: string | null;
  /** The document's total as the target computed it, read back after writing (where the target has one). */
  readonly erpTotal?: Money;
  /** The total the document sent adds up to, to compare erpTotal with. */
  readonly expectedTotal?: Money;
  /** The target's total is read later, in a batch (the posting keeps the currency to read it in). */
  readonly totalReadLater?: boolean;
}

/** One posting as its builder sees it. */
export interface DocumentRequest {
  readonly postingId: string;
  readonly targetId: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly documentType: string;
  /** Tells documents of one type and subject apart: '' for the one sales order; the shipment id for a fulfilment. */
  readonly documentKey: string;
  /** The receiver's reference of the document this one acts on (a fulfilment's sales order); the engine sends nothing before it landed. */
  readonly dependency: (DeliveredRef & { readonly documentType?: string }) | null;
}

/** A document ready to go: how to send it, and how to look for it after an ambiguous outcome. */
export interface PreparedDocument<Adapter, Context> {
  readonly externalId: string;
  /**
   * What the document adds up to (a sales order's grand total), when it has a total: the read-back
   * of a document found by its key (no send, so no expectedTotal from the adapter) is compared with it.
   */
  readonly expectedTotal?: Money;
  find(adapter: Adapter, ctx: Context): Promise<DeliveredRef | null>;
  send(adapter: Adapter, ctx: Context): Promise<DeliveredRef>;
}

export interface DocumentBuilder<Adapter = unknown, Context = unknown> {
  prepare(request: DocumentRequest): Promise<PreparedDocument<Adapter, Context>>;
}

export interface DocumentBuilderMeta {
  readonly documentType: string;
  readonly subjectType: string;
}

/** Marks a provider as the builder of one document type about one subject type. */
export const BuildsDocument = (documentType: string, subjectType: string) =>
  SetMetadata<string, DocumentBuilderMeta>(DOCUMENT_BUILDER, { documentType, subjectType });

/**
 * A kind of subject documents are delivered about. A subject's primary documents are those
 * that depend on no other (an order's sales orders, one per target); the others act on one of
 * them and wait for it.
 */
export interface DeliverySubject<Head = unknown> {
  /**
   * Row-locks the subject in the engine's transaction, before the engine counts its open
   * primary documents: whatever adds a primary document (a release) holds the same lock, so
   * the count cannot miss one. Null when the subject is gone.
   */
  lock(runner: QueryRunner, subjectId: string): Promise<Head | null>;
  /** The last open primary document landed: called once, in that transaction, under the lock. */
  primaryDocumentsPosted(runner: QueryRunner, subject: Head, lineage: { readonly correlationId: string }): Promise<void>;
  /**
   * One of its documents was refused before it was sent because it would not have been true to the
   * subject (DOCUMENT_TOTAL_MISMATCH): called in the transaction that marks the posting DEAD, under
   * the lock, so the subject can be held with that reason.
   */
  documentRefused?(runner: QueryRunner, subject: Head, refusal: { readonly code: string; readonly message: string }, lineage: { readonly correlationId: string }): Promise<void>;
  /**
   * A document of the subject that acts on another (a refund's credit memo on its sales order)
   * landed: called in the transaction that marks it POSTED, under the subject's lock, with how many
   * documents of that type about the subject are still not POSTED (one per target).
   */
  documentPosted?(runner: QueryRunner, subject: Head, posted: { readonly documentType: string; readonly openOfType: number }, lineage: { readonly correlationId: string }): Promise<void>;
}

/** Marks a provider as the DeliverySubject of one subject type. */
export const DeliversSubject = (subjectType: string) => SetMetadata<string, { subjectType: string }>(DELIVERY_SUBJECT, { subjectType });
