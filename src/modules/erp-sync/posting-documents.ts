import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { ErpAdapter, ErpCallContext } from '../../adapters/erp/erp-adapter.port.js';
import { DeliveryError } from '../../platform/delivery/delivery-error.js';
import {
  DELIVERY_SUBJECT,
  DOCUMENT_BUILDER,
  type DeliverySubject,
  type DocumentBuilder,
  type DocumentBuilderMeta,
  type PreparedDocument,
} from '../../platform/delivery/document-builder.js';

// Tests and operators name a shipment's ERP document by this key; its builder owns it.
export { fulfillmentKey } from '../orders/documents/item-fulfillment.builder.js';

/**
 * Every posting type the hub writes (the outbox, src/modules/erp-sync/outbox). Each needs a
 * builder (@BuildsDocument) in the module of its subject, or the boot stops: a new document
 * type is one entry here and one builder there.
 */
export const POSTING_DOCUMENT_TYPES = ['SALES_ORDER', 'CASH_SALE', 'ITEM_FULFILLMENT', 'SALES_ORDER_CHANGE', 'CREDIT_MEMO', 'JOURNAL'] as const;

export type DocumentType = (typeof POSTING_DOCUMENT_TYPES)[number];

/** A posting as the registry needs it to build its document. */
export interface PostingSubject {
  readonly id: string;
  readonly targetId: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly documentType: string;
  readonly documentKey: string;
  /** The posting this one acts on (a fulfilment's sales order), as the claim read it. */
  readonly dependsOn: string | null;
  /** internalId is set once it is POSTED. */
  readonly dependency: { readonly documentType: string; readonly internalId: string | null; readonly documentNumber: string | null } | null;
}

/** The code a document waiting for the one it acts on fails with: SALES_ORDER_PENDING. */
export function dependencyPendingCode(dependencyType: string): string {
  return `${dependencyType}_PENDING`;
}

const builderKey = (documentType: string, subjectType: string): string => `${documentType}|${subjectType}`;

/**
 * The registry of document builders and delivery subjects, found at boot among the providers.
 * A document that acts on another (fulfilments and line changes act on the sales order) is a
 * missing dependency until that one holds the ERP's id; it is re-driven when it lands.
 */
@Injectable()
export class PostingDocuments implements OnModuleInit {
  /** Keyed by document type and subject type: a JOURNAL of a settlement and one of a store day are built apart. */
  private readonly builders = new Map<string, { readonly documentType: string; readonly subjectType: string; readonly builder: DocumentBuilder<ErpAdapter, ErpCallContext> }>();
  private readonly subjects = new Map<string, DeliverySubject>();

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      const instance: unknown = wrapper.instance;
      if (!type || !instance || typeof type !== 'function' || seen.has(instance)) continue;
      seen.add(instance);
      const built = this.reflector.get<DocumentBuilderMeta | undefined>(DOCUMENT_BUILDER, type);
      if (built) this.addBuilder(type.name, built, instance as DocumentBuilder<ErpAdapter, ErpCallContext>);
      const delivered = this.reflector.get<{ subjectType: string } | undefined>(DELIVERY_SUBJECT, type);
      if (delivered) this.addSubject(type.name, delivered.subjectType, instance as DeliverySubject);
    }
    const built = new Set([...this.builders.values()].map((b) => b.documentType));
    for (const documentType of POSTING_DOCUMENT_TYPES) {
      if (!built.has(documentType)) throw new Error(`posting type ${documentType} has no document builder (@BuildsDocument)`);
    }
    for (const { documentType, subjectType } of this.builders.values()) {
      if (!this.subjects.has(subjectType)) throw new Error(`the builder of ${documentType} is about ${subjectType}, which no @DeliversSubject provider delivers`);
    }
  }

  /** The subject type's delivery side; only types with a builder are ever written. */
  subject(subjectType: string): DeliverySubject {
    const subject = this.subjects.get(subjectType);
    if (!subject) throw new Error(`no delivery subject ${subjectType}`);
    return subject;
  }

  async prepare(posting: PostingSubject): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const entry = this.builders.get(builderKey(posting.documentType, posting.subjectType));
    if (!entry) throw new DeliveryError('PERMANENT', `no document builder for posting type ${posting.documentType} of ${posting.subjectType}`);
    const dependency = posting.dependency;
    if (posting.dependsOn && !dependency?.internalId) {
      const what = (dependency?.documentType ?? 'document').toLowerCase().replace(/_/g, ' ');
      throw new DeliveryError('MISSING_DEPENDENCY', `the ${what} is not in ${posting.targetId} yet`, {
        code: dependencyPendingCode(dependency?.documentType ?? 'DEPENDENCY'),
        // Posting the dependency re-drives this at once; the short wait covers a race with that.
        retryAfterMs: 5000,
      });
    }
    return entry.builder.prepare({
      postingId: posting.id, targetId: posting.targetId, subjectType: posting.subjectType, subjectId: posting.subjectId,
      documentType: posting.documentType, documentKey: posting.documentKey,
      dependency: dependency?.internalId ? { internalId: dependency.internalId, documentNumber: dependency.documentNumber, documentType: dependency.documentType } : null,
    });
  }

  private addBuilder(name: string, meta: DocumentBuilderMeta, builder: DocumentBuilder<ErpAdapter, ErpCallContext>): void {
    if (!(POSTING_DOCUMENT_TYPES as readonly string[]).includes(meta.documentType)) {
      throw new Error(`${name} builds ${meta.documentType}, which is not a posting type; known: ${POSTING_DOCUMENT_TYPES.join(', ')}`);
    }
    const key = builderKey(meta.documentType, meta.subjectType);
    if (this.builders.has(key)) throw new Error(`${name} builds ${meta.documentType} of ${meta.subjectType}, which already has a builder`);
    this.builders.set(key, { documentType: meta.documentType, subjectType: meta.subjectType, builder });
  }

  private addSubject(name: string, subjectType: string, subject: DeliverySubject): void {
    if (this.subjects.has(subjectType)) throw new Error(`${name} delivers ${subjectType}, which already has a delivery subject`);
    this.subjects.set(subjectType, subject);
  }
}
