export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
  tags: string[];
  language: string | null;
  created_at: Date;
}

export type NewKnowledgeEntry = Omit<KnowledgeEntry, 'created_at'>;

export interface KnowledgeRepository {
  /** Inserts or replaces entries by id. */
  upsert(tenantId: string, entries: NewKnowledgeEntry[]): Promise<void>;
  list(tenantId: string, page: { limit: number; after?: string | undefined }): Promise<KnowledgeEntry[]>;
  get(tenantId: string, id: string): Promise<KnowledgeEntry | undefined>;
  remove(tenantId: string, id: string): Promise<boolean>;
  /** Changes whenever the tenant's entries change (count and latest update): cheap to poll. */
  signature(tenantId: string): Promise<string>;
  /** Every entry of the tenant, for building its search index. */
  all(tenantId: string): Promise<KnowledgeEntry[]>;
}
