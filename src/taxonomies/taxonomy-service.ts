import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { SoftmaxModel } from '../../providers/local/softmax-model.js';
import type { ExampleSource, TaxonomyExample, TaxonomyRepository, TaxonomyVersion } from '../../repositories/types.js';
import { GatewayError } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import { trainInThread } from './train-in-thread.js';

/** Corrections from feedback that trigger a retrain on their own. */
export const RETRAIN_AFTER_NEW_EXAMPLES = 5;
/** How long an instance trusts its view of a taxonomy's current version (another instance may have retrained). */
const VERSION_TTL_MS = 5_000;
/** Remembered request texts (for feedback) are kept this long. */
export const INPUT_RETENTION_MS = 30 * 24 * 3_600_000;
/** Per taxonomy: a bound on what one tenant can make the gateway store, train on and hold in memory. */
export const TAXONOMY_LIMITS = { labels: 200, examples: 20_000 } as const;
/** Trained models held in memory, all tenants together, by their weights (8 bytes each); the least used go first. */
const MODEL_MEMORY_BYTES = 256 * 1024 * 1024;

export interface TaxonomyStatus {
  name: string;
  status: 'empty' | 'training' | 'ready';
  version: number | null;
  labels: string[];
  examples: number;
  trained_at: string | null;
}

interface TaxonomyServiceDeps {
  repo: TaxonomyRepository;
  events: EventBus;
  log: FastifyBaseLogger;
  clock: () => Date;
  /** Makes cached answers of the old version unreachable. */
  onRetrained: (tenantId: string) => Promise<void>;
}

const keyOf = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;

/** The model for a set of examples (naive Bayes), trained off the event loop. */
function fit(examples: readonly TaxonomyExample[]): Promise<SoftmaxModel> {
  return trainInThread(examples.map((e) => ({ text: e.text, label: e.label })));
}

/**
 * Tenant taxonomies: labelled examples in, a versioned per-tenant classifier out. Training runs in the background;
 * each version records the last example it used, so every instance rebuilds the identical model from storage.
 */
export class TaxonomyService {
  private readonly models = new LRUCache<string, { version: number; model: SoftmaxModel }>({
    maxSize: MODEL_MEMORY_BYTES,
    sizeCalculation: (m) => Math.max(1, m.model.parameterCount * 8),
  });
  // Bounded too: a caller naming taxonomies that do not exist must not grow it.
  private readonly versions = new LRUCache<string, { value: TaxonomyVersion | undefined; expires: number }>({ max: 10_000 });
  private readonly training = new Map<string, Promise<void>>();
  /** Rebuilds in flight, so requests arriving together for a new version share one training thread. */
  private readonly rebuilding = new Map<string, Promise<SoftmaxModel>>();
  private readonly again = new Set<string>();

  constructor(private readonly deps: TaxonomyServiceDeps) {}

  async addExamples(tenantId: string, name: string, examples: readonly TaxonomyExample[], source: ExampleSource = 'admin'): Promise<number> {
    await this.checkRoom(tenantId, name, examples);
    const added = await this.deps.repo.addExamples(tenantId, name, examples, source);
    if (source === 'admin') this.scheduleTraining(tenantId, name);
    return added;
  }

  /** Starts a retrain unless one is running, in which case one more follows it (it will see the newer examples). */
  scheduleTraining(tenantId: string, name: string): Promise<void> {
    const key = keyOf(tenantId, name);
    const running = this.training.get(key);
    if (running) {
      this.again.add(key);
      return running;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        try {
          await this.train(tenantId, name);
        } catch (err) {
          this.deps.log.warn({ err, tenant: tenantId, taxonomy: name }, 'taxonomy training failed');
        }
      } while (this.again.has(key));
    })().finally(() => this.training.delete(key));
    this.training.set(key, run);
    return run;
  }

  /** Refuses examples that would take a taxonomy past its limits (409 CONFLICT, naming the limit). */
  private async checkRoom(tenantId: string, name: string, examples: readonly TaxonomyExample[]): Promise<void> {
    const [count, labels] = await Promise.all([this.deps.repo.countSince(tenantId, name, 0), this.deps.repo.labels(tenantId, name)]);
    if (count + examples.length > TAXONOMY_LIMITS.examples) {
      throw new GatewayError('CONFLICT', `A taxonomy holds at most ${TAXONOMY_LIMITS.examples} examples; it has ${count}.`, {
        details: { limit: 'examples', max: TAXONOMY_LIMITS.examples, current: count },
      });
    }
    const all = new Set(labels);
    for (const e of examples) all.add(e.label);
    if (all.size > TAXONOMY_LIMITS.labels) {
      throw new GatewayError('CONFLICT', `A taxonomy has at most ${TAXONOMY_LIMITS.labels} labels; these examples would make ${all.size}.`, {
        details: { limit: 'labels', max: TAXONOMY_LIMITS.labels, current: labels.length },
      });
    }
  }

  private async train(tenantId: string, name: string): Promise<void> {
    const examples = await this.deps.repo.examples(tenantId, name);
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    if (labels.length < 2) return; // one label is not a classifier; wait for more
    const previous = await this.deps.repo.current(tenantId, name);
    const last = examples[examples.length - 1]!.id;
    if (previous && previous.last_example_id === last) return;
    const model = await fit(examples);
    const version: TaxonomyVersion = {
      tenant_id: tenantId,
      taxonomy: name,
      version: (previous?.version ?? 0) + 1,
      last_example_id: last,
      examples: examples.length,
      labels,
      trained_at: this.deps.clock(),
    };
    await this.deps.events.transaction(async (tx, emit) => {
      await tx.taxonomies.saveVersion(version);
      emit('model.retrained', tenantId, { taxonomy: name, version: version.version, examples: examples.length, labels });
    });
    const key = keyOf(tenantId, name);
    this.models.set(key, { version: version.version, model });
    this.versions.set(key, { value: version, expires: this.deps.clock().getTime() + VERSION_TTL_MS });
    await this.deps.onRetrained(tenantId);
  }

  private async currentVersion(tenantId: string, name: string): Promise<TaxonomyVersion | undefined> {
    const key = keyOf(tenantId, name);
    const cached = this.versions.get(key);
    if (cached && cached.expires > this.deps.clock().getTime()) return cached.value;
    const value = await this.deps.repo.current(tenantId, name);
    this.versions.set(key, { value, expires: this.deps.clock().getTime() + VERSION_TTL_MS });
    return value;
  }

  /** The tenant's classifier for this taxonomy at its current version, or undefined when it has none yet. */
  async classifier(tenantId: string, name: string): Promise<SoftmaxModel | undefined> {
    const version = await this.currentVersion(tenantId, name);
    if (!version) return undefined;
    const key = keyOf(tenantId, name);
    const local = this.models.get(key);
    if (local?.version === version.version) return local.model;
    const flight = `${key}\u0000${version.version}`;
    let rebuild = this.rebuilding.get(flight);
    if (!rebuild) {
      rebuild = (async () => {
        const model = await fit(await this.deps.repo.examples(tenantId, name, version.last_example_id));
        this.models.set(key, { version: version.version, model });
        return model;
      })().finally(() => this.rebuilding.delete(flight));
      this.rebuilding.set(flight, rebuild);
    }
    return rebuild;
  }

  async status(tenantId: string, name: string): Promise<TaxonomyStatus> {
    const [version, examples] = await Promise.all([this.deps.repo.current(tenantId, name), this.deps.repo.countSince(tenantId, name, 0)]);
    const training = this.training.has(keyOf(tenantId, name));
    return {
      name,
      status: training ? 'training' : version ? 'ready' : 'empty',
      version: version?.version ?? null,
      labels: version?.labels ?? [],
      examples,
      trained_at: version?.trained_at.toISOString() ?? null,
    };
  }

  /** A categorisation's text, remembered so feedback on it can teach the taxonomy. */
  rememberInput(tenantId: string, requestId: string, name: string, text: string): void {
    void this.deps.repo.rememberInput(tenantId, requestId, name, text).catch((err: unknown) => this.deps.log.warn({ err }, 'could not remember a categorisation input'));
  }

  /**
   * A correction on an earlier categorisation becomes an example of its taxonomy; enough new ones retrain it.
   * Returns whether the feedback could be used for learning.
   */
  async learnFromFeedback(tenantId: string, requestId: string, correct: string): Promise<boolean> {
    const input = await this.deps.repo.inputFor(tenantId, requestId);
    if (!input) return false;
    const example = { text: input.text, label: correct };
    try {
      await this.checkRoom(tenantId, input.taxonomy, [example]);
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'CONFLICT') return false; // a full taxonomy learns no more
      throw err;
    }
    // A request teaches once: the remembered text is taken away, so posting feedback on it again adds nothing.
    if (!(await this.deps.repo.takeInput(tenantId, requestId))) return false;
    await this.deps.repo.addExamples(tenantId, input.taxonomy, [example], 'feedback');
    const current = await this.deps.repo.current(tenantId, input.taxonomy);
    if ((await this.deps.repo.countSince(tenantId, input.taxonomy, current?.last_example_id ?? 0)) >= RETRAIN_AFTER_NEW_EXAMPLES) {
      void this.scheduleTraining(tenantId, input.taxonomy);
    }
    return true;
  }

  /** Waits for training in flight (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.training.size > 0) await Promise.allSettled([...this.training.values()]);
  }
}
