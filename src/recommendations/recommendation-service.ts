import type { FastifyBaseLogger } from 'fastify';
import type { ItemCategory, InteractionRepository, StoredInteraction } from '../../repositories/types.js';
import { DEFAULT_RECOMMENDER_OPTIONS, TenantModel, type ModelEvent, type RecommenderOptions } from '../../providers/local/recommendations/tenant-model.js';
import type { TaskInput, TaskResult } from '../../providers/task-schemas.js';
import { loadOnce } from '../load-once.js';
import { SeenSequences } from './seen-sequences.js';

/** Events read per query when loading or following a tenant. */
const PAGE = 10_000;

export interface RecommendationServiceOptions {
  /** How often each loaded tenant is checked for events stored by other instances. */
  pollMs: number;
  /** Quiet time after new events before neighbours are rebuilt (a burst of ingests costs one rebuild). */
  rebuildDelayMs: number;
  model: RecommenderOptions;
}

export const DEFAULT_SERVICE_OPTIONS: RecommendationServiceOptions = { pollMs: 2_000, rebuildDelayMs: 500, model: DEFAULT_RECOMMENDER_OPTIONS };

interface TenantState {
  model: TenantModel;
  seen: SeenSequences;
  /**
   * Catalog changes are re-read from a little before the last read (re-applying a category is harmless). Wall-clock
   * time, not the app's clock: it is compared with the database's own timestamps.
   */
  categoriesReadAt: Date;
  rebuild: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
}

const toModelEvent = (e: StoredInteraction): ModelEvent => ({ type: e.type, user_id: e.user_id, item_id: e.item_id, value: e.value, at: e.occurred_at.getTime() });

/**
 * Per-tenant recommenders held in memory, loaded on a tenant's first query. Events this instance stores apply at once;
 * events stored by other instances arrive by polling the tenant's event sequence. Item neighbours are rebuilt in the
 * background, in slices, shortly after events arrive.
 */
export class RecommendationService {
  private readonly tenants = new Map<string, Promise<TenantState>>();
  private readonly poller: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly repo: InteractionRepository,
    private readonly log: FastifyBaseLogger,
    private readonly options: RecommendationServiceOptions = DEFAULT_SERVICE_OPTIONS,
  ) {
    this.poller = setInterval(() => void this.pollAll(), options.pollMs).unref();
  }

  async recommend(tenantId: string, input: TaskInput<'recommendations'>): Promise<TaskResult<'recommendations'>> {
    return (await this.state(tenantId)).model.recommend(input);
  }

  /** Events this instance just stored. Tenants not loaded yet will read them when they load. */
  async stored(tenantId: string, events: readonly StoredInteraction[]): Promise<void> {
    const loading = this.tenants.get(tenantId);
    if (!loading || events.length === 0) return;
    this.apply(tenantId, await loading, events);
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

  stats(tenantId: string): Promise<TenantModel['size'] | undefined> {
    const loading = this.tenants.get(tenantId);
    return loading ? loading.then((s) => s.model.size) : Promise.resolve(undefined);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poller);
    for (const loading of this.tenants.values()) void loading.then((s) => clearTimeout(s.timer), () => undefined);
  }

  private state(tenantId: string): Promise<TenantState> {
    return loadOnce(this.tenants, tenantId, () => this.load(tenantId));
  }

  private async load(tenantId: string): Promise<TenantState> {
    const categoriesReadAt = new Date();
    const state: TenantState = { model: new TenantModel(this.options.model), seen: new SeenSequences(), categoriesReadAt, rebuild: undefined, timer: undefined };
    for (;;) {
      const page = await this.repo.eventsSince(tenantId, state.seen.high, PAGE);
      this.accept(state, page);
      if (page.length < PAGE) break;
    }
    state.model.setCategories(await this.repo.itemCategories(tenantId));
    await this.rebuild(state);
    return state;
  }

  private accept(state: TenantState, events: readonly StoredInteraction[]): number {
    const fresh = events.filter((e) => state.seen.accept(e.seq));
    state.model.add(fresh.map(toModelEvent));
    return fresh.length;
  }

  private apply(tenantId: string, state: TenantState, events: readonly StoredInteraction[]): void {
    if (this.accept(state, events) > 0) this.scheduleRebuild(tenantId, state);
  }

  private scheduleRebuild(tenantId: string, state: TenantState): void {
    if (state.timer || this.closed) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (state.rebuild) {
        // Events that arrive during a rebuild get the next one.
        void state.rebuild.then(() => this.scheduleRebuild(tenantId, state));
        return;
      }
      state.rebuild = this.rebuild(state)
        .catch((err: unknown) => this.log.error({ err, tenant: tenantId }, 'recommender rebuild failed'))
        .finally(() => {
          state.rebuild = undefined;
          if (state.model.pending > 0) this.scheduleRebuild(tenantId, state);
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

  private async pollAll(): Promise<void> {
    for (const [tenantId, loading] of this.tenants) {
      try {
        const state = await loading;
        const since = new Date(state.categoriesReadAt.getTime() - this.options.pollMs);
        state.categoriesReadAt = new Date();
        const [events, categories] = await Promise.all([
          this.repo.eventsSince(tenantId, state.seen.lookbackFrom(), PAGE),
          this.repo.itemCategories(tenantId, since),
        ]);
        state.model.setCategories(categories);
        this.apply(tenantId, state, events);
      } catch (err) {
        this.log.warn({ err, tenant: tenantId }, 'recommender could not read new events');
      }
    }
  }
}
