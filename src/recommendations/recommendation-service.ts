import type { FastifyBaseLogger } from 'fastify';
import type { ItemCategory, InteractionRepository, StoredInteraction } from '../../repositories/types.js';
import { DEFAULT_RECOMMENDER_OPTIONS, type ModelEvent, type RecommenderOptions } from '../../providers/local/recommendations/recommender-options.js';
import type { StrategyQuality } from '../../providers/local/recommendations/strategies.js';
import { TenantModel } from '../../providers/local/recommendations/tenant-model.js';
import type { TaskInput, TaskResult } from '../tasks/index.js';
import { loadOnce } from '../load-once.js';
import { SeenSequences } from './seen-sequences.js';

/** Events read per query when loading or following a tenant. */
const PAGE = 10_000;
/** Catalogue rows read per query. */
const CATEGORY_PAGE = 1_000;

export interface RecommendationServiceOptions {
  /** How often each loaded tenant is checked for events stored by other instances. */
  pollMs: number;
  /** Quiet time after new events before neighbours are rebuilt (a burst of ingests costs one rebuild). */
  rebuildDelayMs: number;
  /** Estimated heap all loaded tenant models may hold together; past it the least recently used are unloaded. */
  memoryBudgetBytes: number;
  /** A tenant model nobody asked or fed for this long is unloaded (it reloads from the store on its next query). */
  idleUnloadMs: number;
  /** Events a tenant may ingest per minute unless its quota says otherwise (`events_per_minute`). */
  eventsPerMinute: number;
  model: RecommenderOptions;
}

export const DEFAULT_SERVICE_OPTIONS: RecommendationServiceOptions = {
  pollMs: 2_000,
  rebuildDelayMs: 500,
  memoryBudgetBytes: 512 * 1024 * 1024,
  idleUnloadMs: 30 * 60_000,
  eventsPerMinute: 60_000,
  model: DEFAULT_RECOMMENDER_OPTIONS,
};

interface TenantState {
  tenantId: string;
  model: TenantModel;
  seen: SeenSequences;
  /** Catalogue changes are read from here on, a time of the database's clock (compared only with its own stamps). */
  categoriesFrom: Date;
  rebuild: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
  usedAt: number;
  unloaded: boolean;
}

export interface RecommenderStats {
  events: number;
  users: number;
  items: number;
  bytes: number;
  forgotten: number;
}

const toModelEvent = (e: StoredInteraction): ModelEvent => ({ type: e.type, user_id: e.user_id, item_id: e.item_id, value: e.value, at: e.occurred_at.getTime() });

/**
 * Per-tenant recommenders held in memory, loaded on a tenant's first query from its most recent events (as many as a
 * model holds). Events this instance stores apply at once; events stored by other instances arrive by polling the
 * tenant's event sequence. Item neighbours are rebuilt in the background, in slices, shortly after events arrive.
 * Memory is bounded twice: each model by its own limits, all of them by a budget that unloads the least recently used.
 */
export class RecommendationService {
  private readonly tenants = new Map<string, Promise<TenantState>>();
  /** Loaded states in least-recently-used order (a Map keeps insertion order; a use re-inserts). */
  private readonly loaded = new Map<string, TenantState>();
  private readonly poller: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly repo: InteractionRepository,
    private readonly log: FastifyBaseLogger,
    private readonly options: RecommendationServiceOptions = DEFAULT_SERVICE_OPTIONS,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.poller = setInterval(() => void this.pollAll(), options.pollMs).unref();
  }

  async recommend(tenantId: string, input: TaskInput<'recommendations'>): Promise<TaskResult<'recommendations'>> {
    const state = await this.state(tenantId);
    this.touch(state);
    return state.model.recommend(input);
  }

  /** Events this instance just stored. Tenants not loaded yet will read them when they load. */
  async stored(tenantId: string, events: readonly StoredInteraction[]): Promise<void> {
    const loading = this.tenants.get(tenantId);
    if (!loading || events.length === 0) return;
    const state = await loading;
    this.touch(state);
    this.apply(state, events);
    await this.readNewCategories(state);
  }

  async itemsChanged(tenantId: string, items: readonly ItemCategory[]): Promise<void> {
    const loading = this.tenants.get(tenantId);
    if (loading) (await loading).model.setCategories(items);
  }

  /** Resolves when no rebuild is running or scheduled (tests). */
  async idle(): Promise<void> {
    for (;;) {
      const states = await Promise.all(this.tenants.values());
      const busy = states.filter((s) => s.rebuild || s.timer);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.rebuild ?? new Promise((resolve) => setTimeout(resolve, this.options.rebuildDelayMs))));
    }
  }

  async stats(tenantId: string): Promise<RecommenderStats | undefined> {
    const loading = this.tenants.get(tenantId);
    if (!loading) return undefined;
    const { model } = await loading;
    return { ...model.size, bytes: model.bytes, forgotten: model.forgotten };
  }

  /** The strategy the tenant's model serves and how the candidates scored (loads the model if needed). */
  async quality(tenantId: string): Promise<{ quality: StrategyQuality; size: TenantModel['size'] }> {
    const state = await this.state(tenantId);
    this.touch(state);
    await state.rebuild;
    const { model } = state;
    return { quality: model.quality ?? { chosen: model.strategyName, users: 0, candidates: [] }, size: model.size };
  }

  /** Estimated heap of every loaded model, and how many there are (metrics). */
  totals(): { tenants: number; events: number; bytes: number; strategies: Map<string, number> } {
    let bytes = 0;
    let events = 0;
    const strategies = new Map<string, number>();
    for (const s of this.loaded.values()) {
      bytes += s.model.bytes;
      events += s.model.size.events;
      strategies.set(s.model.strategyName, (strategies.get(s.model.strategyName) ?? 0) + 1);
    }
    return { tenants: this.loaded.size, events, bytes, strategies };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poller);
    for (const loading of this.tenants.values()) void loading.then((s) => clearTimeout(s.timer), () => undefined);
  }

  private state(tenantId: string): Promise<TenantState> {
    return loadOnce(this.tenants, tenantId, () => this.load(tenantId));
  }

  private touch(state: TenantState): void {
    state.usedAt = this.clock().getTime();
    if (state.unloaded) return;
    this.loaded.delete(state.tenantId);
    this.loaded.set(state.tenantId, state);
  }

  /** Reads only the most recent events the model can hold: a big tenant's first query costs its window, not its past. */
  private async load(tenantId: string): Promise<TenantState> {
    const { asOf } = await this.repo.itemCategories(tenantId, { itemIds: [] });
    const state: TenantState = {
      tenantId,
      model: new TenantModel(this.options.model),
      seen: new SeenSequences(),
      categoriesFrom: asOf,
      rebuild: undefined,
      timer: undefined,
      usedAt: this.clock().getTime(),
      unloaded: false,
    };
    let after = await this.repo.windowStart(tenantId, this.options.model.maxEvents);
    for (;;) {
      const page = await this.repo.eventsSince(tenantId, after, PAGE);
      this.accept(state, page);
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
    await this.readNewCategories(state);
    await this.rebuild(state);
    this.touch(state);
    this.enforceBudget(state);
    return state;
  }

  private accept(state: TenantState, events: readonly StoredInteraction[]): number {
    const fresh = events.filter((e) => state.seen.accept(e.seq));
    state.model.add(fresh.map(toModelEvent));
    return fresh.length;
  }

  private apply(state: TenantState, events: readonly StoredInteraction[]): void {
    if (this.accept(state, events) > 0) {
      this.scheduleRebuild(state);
      this.enforceBudget(state);
    }
  }

  /** Unloads the least recently used models (never `keep`, the one in use) until the estimate fits the budget. */
  private enforceBudget(keep: TenantState): void {
    let { bytes } = this.totals();
    for (const state of this.loaded.values()) {
      if (bytes <= this.options.memoryBudgetBytes) return;
      if (state === keep) continue;
      bytes -= state.model.bytes;
      this.unload(state, 'memory budget');
    }
  }

  private unload(state: TenantState, why: string): void {
    state.unloaded = true;
    clearTimeout(state.timer);
    state.timer = undefined;
    this.loaded.delete(state.tenantId);
    void this.tenants.get(state.tenantId)?.then((s) => {
      if (s === state) this.tenants.delete(state.tenantId);
    });
    this.log.info({ tenant: state.tenantId, why, events: state.model.size.events }, 'recommender model unloaded');
  }

  private scheduleRebuild(state: TenantState): void {
    if (state.timer || this.closed || state.unloaded) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (state.rebuild) {
        // Events that arrive during a rebuild get the next one.
        void state.rebuild.then(() => this.scheduleRebuild(state));
        return;
      }
      state.rebuild = this.rebuild(state)
        .catch((err: unknown) => this.log.error({ err, tenant: state.tenantId }, 'recommender rebuild failed'))
        .finally(() => {
          state.rebuild = undefined;
          if (state.model.pending > 0) this.scheduleRebuild(state);
        });
    }, this.options.rebuildDelayMs);
  }

  /** Runs a rebuild in slices, giving the event loop back between them so requests keep flowing. */
  private async rebuild(state: TenantState): Promise<void> {
    const steps = state.model.rebuild();
    for (;;) {
      const slice = performance.now();
      let done = false;
      while (!done && performance.now() - slice < 8) done = steps.next().done === true;
      if (done) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Categories of items that appeared in the model since the last read. */
  private async readNewCategories(state: TenantState): Promise<void> {
    const ids = state.model.takeNewItems();
    for (let i = 0; i < ids.length; i += CATEGORY_PAGE) {
      state.model.setCategories((await this.repo.itemCategories(state.tenantId, { itemIds: ids.slice(i, i + CATEGORY_PAGE) })).items);
    }
  }

  /**
   * Catalogue changes since the last poll, a page at a time; re-read from a poll interval earlier, since a row is
   * stamped when its transaction starts and may become visible later (re-applying a category is harmless).
   */
  private async readChangedCategories(state: TenantState): Promise<void> {
    const since = new Date(state.categoriesFrom.getTime() - this.options.pollMs);
    const page = await this.repo.itemCategories(state.tenantId, { changedSince: since, limit: PAGE });
    state.model.setCategories(page.items);
    state.categoriesFrom = page.items.length === PAGE ? new Date(page.items.at(-1)!.updated_at.getTime() + this.options.pollMs) : page.asOf;
  }

  private async pollAll(): Promise<void> {
    const now = this.clock().getTime();
    for (const state of [...this.loaded.values()]) {
      if (now - state.usedAt > this.options.idleUnloadMs) {
        this.unload(state, 'idle');
        continue;
      }
      try {
        const events = await this.repo.eventsSince(state.tenantId, state.seen.lookbackFrom(), PAGE);
        this.apply(state, events);
        await this.readNewCategories(state);
        await this.readChangedCategories(state);
      } catch (err) {
        this.log.warn({ err, tenant: state.tenantId }, 'recommender could not read new events');
      }
    }
  }
}
