/**
 * What a sandbox received: one entry per document the ERP would hold, with how many times
 * it was created and updated. Exactly-once tests read this through `GET /_sandbox/documents`;
 * a document created twice under the same natural key shows up as two documents with that key.
 */
export interface StoredDocument<T> {
  /** The ERP's internal id (NetSuite numeric id, Business Central GUID). */
  readonly id: string;
  /** The natural key the hub sends (NetSuite externalId, BC externalDocumentNumber); may be absent. */
  key: string | undefined;
  body: T;
  creates: number;
  updates: number;
  /** Bumped on every write; Business Central derives its etag from it. */
  version: number;
  readonly createdAt: string;
  updatedAt: string;
}

export class DocumentStore<T> {
  private readonly byId = new Map<string, StoredDocument<T>>();
  private readonly byKey = new Map<string, StoredDocument<T>[]>();

  create(id: string, key: string | undefined, body: T): StoredDocument<T> {
    const now = new Date().toISOString();
    const doc: StoredDocument<T> = { id, key, body, creates: 1, updates: 0, version: 1, createdAt: now, updatedAt: now };
    this.byId.set(id, doc);
    if (key !== undefined) this.index(key, doc);
    return doc;
  }

  update(doc: StoredDocument<T>, body: T, key: string | undefined = doc.key): StoredDocument<T> {
    if (key !== doc.key) {
      if (doc.key !== undefined) this.unindex(doc.key, doc);
      if (key !== undefined) this.index(key, doc);
      doc.key = key;
    }
    doc.body = body;
    doc.updates += 1;
    doc.version += 1;
    doc.updatedAt = new Date().toISOString();
    return doc;
  }

  /** A document the ERP deleted: gone from every view. */
  remove(doc: StoredDocument<T>): void {
    this.byId.delete(doc.id);
    if (doc.key !== undefined) this.unindex(doc.key, doc);
  }

  get(id: string): StoredDocument<T> | undefined {
    return this.byId.get(id);
  }

  findByKey(key: string): readonly StoredDocument<T>[] {
    return this.byKey.get(key) ?? [];
  }

  all(): readonly StoredDocument<T>[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }

  /** Keys held by more than one document: a duplicate post, the thing exactly-once forbids. */
  duplicateKeys(): string[] {
    return [...this.byKey].filter(([, docs]) => docs.length > 1).map(([key]) => key);
  }

  private index(key: string, doc: StoredDocument<T>): void {
    const list = this.byKey.get(key);
    if (list) list.push(doc);
    else this.byKey.set(key, [doc]);
  }

  private unindex(key: string, doc: StoredDocument<T>): void {
    const rest = (this.byKey.get(key) ?? []).filter((d) => d !== doc);
    if (rest.length) this.byKey.set(key, rest);
    else this.byKey.delete(key);
  }
}
