import type { FastifyBaseLogger } from 'fastify';
import { KnowledgeIndex } from '../../providers/local/knowledge/knowledge-index.js';
import { supportClassifier } from '../../providers/local/support-classifier.js';
import { resolveLanguage } from '../../providers/local/language.js';
import type { GroundingEntry } from '../../providers/provider.js';
import type { TaskInput } from '../tasks/index.js';
import { newId } from '../../repositories/ids.js';
import { loadOnce } from '../load-once.js';
import type { KnowledgeEntry, KnowledgeRepository, NewKnowledgeEntry } from '../../repositories/types.js';

/** How long an instance trusts its index before asking storage whether another instance changed the entries. */
const SIGNATURE_TTL_MS = 5_000;
/** Entries handed to a provider per smart reply. */
export const GROUNDING_ENTRIES = 3;

export type KnowledgeEntryInput = Omit<NewKnowledgeEntry, 'id' | 'tags' | 'language'> & { id?: string | undefined; tags?: string[] | undefined; language?: string | null | undefined };

interface TenantIndex {
  index: KnowledgeIndex;
  signature: string;
  checkedAt: number;
}

/**
 * Tenants' knowledge bases: entries in storage, a BM25 index per tenant in memory, rebuilt when this instance changes
 * the entries and, for changes made elsewhere, when the stored signature differs (checked every few seconds).
 */
export class KnowledgeBase {
  private readonly indexes = new Map<string, Promise<TenantIndex>>();

  constructor(
    private readonly repo: KnowledgeRepository,
    private readonly log: FastifyBaseLogger,
    /** Makes cached smart replies built from the old entries unreachable. */
    private readonly onChanged: (tenantId: string) => Promise<void>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async add(tenantId: string, entries: readonly KnowledgeEntryInput[]): Promise<string[]> {
    const stored = entries.map((e) => ({ id: e.id ?? newId('kb'), question: e.question, answer: e.answer, tags: e.tags ?? [], language: e.language ?? null }));
    await this.repo.upsert(tenantId, stored);
    await this.changed(tenantId);
    return stored.map((e) => e.id);
  }

  list(tenantId: string, page: { limit: number; after?: string | undefined }): Promise<KnowledgeEntry[]> {
    return this.repo.list(tenantId, page);
  }

  get(tenantId: string, id: string): Promise<KnowledgeEntry | undefined> {
    return this.repo.get(tenantId, id);
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const removed = await this.repo.remove(tenantId, id);
    if (removed) await this.changed(tenantId);
    return removed;
  }

  /** The entries that best answer a customer's message; none when storage cannot be read (a reply is still possible). */
  async ground(tenantId: string, input: TaskInput<'smart-response'>): Promise<GroundingEntry[]> {
    try {
      const { index } = await this.current(tenantId);
      const language = resolveLanguage(input.language, input.message);
      return index
        .search(input.message, language, GROUNDING_ENTRIES)
        .map((hit) => ({
          id: hit.entry.id,
          question: hit.entry.question,
          answer: hit.entry.answer,
          language: hit.entry.language,
          coverage: hit.coverage,
          distinctive: hit.distinctive,
          topic: hit.topic,
        }));
    } catch (err) {
      this.log.warn({ err, tenant: tenantId }, 'knowledge base unavailable; replying without it');
      return [];
    }
  }

  private async changed(tenantId: string): Promise<void> {
    this.indexes.delete(tenantId);
    await this.onChanged(tenantId);
  }

  private async current(tenantId: string): Promise<TenantIndex> {
    const cached = this.indexes.get(tenantId);
    if (cached) {
      const state = await cached;
      const now = this.clock().getTime();
      if (now - state.checkedAt < SIGNATURE_TTL_MS) return state;
      state.checkedAt = now;
      if ((await this.repo.signature(tenantId)) === state.signature) return state;
      // Another instance changed the entries; the index is rebuilt below (only if this one is still the latest).
      if (this.indexes.get(tenantId) === cached) this.indexes.delete(tenantId);
    }
    return loadOnce(this.indexes, tenantId, () => this.load(tenantId));
  }

  private async load(tenantId: string): Promise<TenantIndex> {
    // Signature first: a change landing between the two reads makes the next check rebuild, never miss it.
    const signature = await this.repo.signature(tenantId);
    const entries = await this.repo.all(tenantId);
    return { index: new KnowledgeIndex(entries, supportClassifier()), signature, checkedAt: this.clock().getTime() };
  }
}
