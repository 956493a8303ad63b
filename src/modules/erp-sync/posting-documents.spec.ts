import { Injectable, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DeliveryError } from '../../platform/delivery/delivery-error.js';
import { BuildsDocument, DeliversSubject, type DocumentRequest } from '../../platform/delivery/document-builder.js';
import { PostingDocuments, type PostingSubject } from './posting-documents.js';

const builder = (documentType: string, subjectType = 'ORDER'): Type => {
  @Injectable()
  @BuildsDocument(documentType, subjectType)
  class Builder {
    prepare(request: DocumentRequest): Promise<unknown> {
      return Promise.resolve({ externalId: `${documentType}:${request.subjectId}:${request.dependency?.internalId ?? '-'}` });
    }
  }
  Object.defineProperty(Builder, 'name', { value: `${documentType}Builder` });
  return Builder;
};

@Injectable()
@DeliversSubject('ORDER')
class Orders {
  lock(): Promise<null> {
    return Promise.resolve(null);
  }
  primaryDocumentsPosted(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
@DeliversSubject('REFUND')
class Refunds {
  lock(): Promise<null> {
    return Promise.resolve(null);
  }
  primaryDocumentsPosted(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
@DeliversSubject('SETTLEMENT')
class Settlements {
  lock(): Promise<null> {
    return Promise.resolve(null);
  }
  primaryDocumentsPosted(): Promise<void> {
    return Promise.resolve();
  }
}

async function boot(providers: Type[]): Promise<PostingDocuments> {
  const module = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [PostingDocuments, ...providers] }).compile();
  await module.init();
  return module.get(PostingDocuments);
}

const ALL = [
  builder('SALES_ORDER'), builder('CASH_SALE'), builder('ITEM_FULFILLMENT'), builder('SALES_ORDER_CHANGE'), builder('CREDIT_MEMO', 'REFUND'), builder('JOURNAL', 'SETTLEMENT'),
  Orders, Refunds, Settlements,
];

const posting = (over: Partial<PostingSubject>): PostingSubject => ({
  id: 'p1', targetId: 'ns', subjectType: 'ORDER', subjectId: 'o1', documentType: 'SALES_ORDER', documentKey: '', dependsOn: null, dependency: null, ...over,
});

describe('PostingDocuments (the builder registry)', () => {
  it('sends each posting to the builder of its type, with the landed document it depends on', async () => {
    const documents = await boot(ALL);
    expect((await documents.prepare(posting({}))).externalId).toBe('SALES_ORDER:o1:-');
    const fulfilment = posting({
      documentType: 'ITEM_FULFILLMENT', documentKey: 's1', dependsOn: 'p0', dependency: { documentType: 'SALES_ORDER', internalId: '901', documentNumber: 'SO9' },
    });
    expect((await documents.prepare(fulfilment)).externalId).toBe('ITEM_FULFILLMENT:o1:901');
  });

  it('holds a document back as a missing dependency until the one it acts on has landed', async () => {
    const documents = await boot(ALL);
    const waiting = posting({ documentType: 'SALES_ORDER_CHANGE', documentKey: 'cancel', dependsOn: 'p0', dependency: { documentType: 'SALES_ORDER', internalId: null, documentNumber: null } });
    const error = await documents.prepare(waiting).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: 'MISSING_DEPENDENCY', message: 'the sales order is not in ns yet', details: { code: 'SALES_ORDER_PENDING', retryAfterMs: 5000 } });
  });

  it('builds one document type about two subjects apart (a settlement journal, a store day journal)', async () => {
    @Injectable()
    @BuildsDocument('JOURNAL', 'STORE_DAY')
    class StoreDayJournals {
      prepare(request: DocumentRequest): Promise<unknown> {
        return Promise.resolve({ externalId: `DAY:${request.subjectId}` });
      }
    }
    @Injectable()
    @DeliversSubject('STORE_DAY')
    class StoreDays {
      lock(): Promise<null> {
        return Promise.resolve(null);
      }
      primaryDocumentsPosted(): Promise<void> {
        return Promise.resolve();
      }
    }
    const documents = await boot([...ALL, StoreDayJournals, StoreDays]);
    expect((await documents.prepare(posting({ subjectType: 'STORE_DAY', subjectId: 'd1', documentType: 'JOURNAL' }))).externalId).toBe('DAY:d1');
    expect((await documents.prepare(posting({ subjectType: 'SETTLEMENT', subjectId: 's1', documentType: 'JOURNAL' }))).externalId).toBe('JOURNAL:s1:-');
  });

  it('stops the boot naming a posting type without a builder', async () => {
    await expect(boot([builder('SALES_ORDER'), builder('CASH_SALE'), builder('SALES_ORDER_CHANGE'), Orders])).rejects.toThrow('posting type ITEM_FULFILLMENT has no document builder');
  });

  it('stops the boot on a second builder, an unknown type, or a subject no one delivers', async () => {
    await expect(boot([...ALL, builder('SALES_ORDER')])).rejects.toThrow('SALES_ORDERBuilder builds SALES_ORDER of ORDER, which already has a builder');
    await expect(boot([...ALL, builder('CREDIT_MEMOS')])).rejects.toThrow(/builds CREDIT_MEMOS, which is not a posting type/);
    await expect(boot([
      builder('SALES_ORDER'), builder('CASH_SALE'), builder('ITEM_FULFILLMENT'), builder('SALES_ORDER_CHANGE'), builder('CREDIT_MEMO', 'REFUND'), builder('JOURNAL', 'SETTLEMENT'), Refunds, Settlements,
    ])).rejects.toThrow(
      'the builder of SALES_ORDER is about ORDER, which no @DeliversSubject provider delivers',
    );
  });
});
