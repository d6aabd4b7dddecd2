import { ProviderError, type Provider, type ProviderContext, type ProviderOutput } from '../provider.js';
import { tenantTaxonomy } from '../../src/tasks/categorize.js';
import type { TaskInput, TaskName, TaskResult } from '../../src/tasks/index.js';
import { matchLabels } from './label-matcher.js';
import { artefactsFingerprint } from './model-files.js';
import { SENTIMENT_LANGUAGES, scoreSentiment } from './sentiment/sentiment-model.js';
import { smartReply } from './smart-reply-model.js';
import { supportClassifier, type SupportClassifier } from './support-classifier.js';
import type { SoftmaxModel } from './softmax-model.js';
import { estimateTokens, wordAndCharFeatures } from './text.js';
import { round4 } from './round.js';

/** Per-tenant classifiers trained from the tenant's labelled examples. */
export interface TenantTaxonomies {
  classifier(tenantId: string, name: string): Promise<SoftmaxModel | undefined>;
}

/** Per-tenant recommenders built from the tenant's ingested events. */
export interface Recommender {
  recommend(tenantId: string, input: TaskInput<'recommendations'>): Promise<TaskResult<'recommendations'>>;
}

export interface LocalProviderDeps {
  recommender: Recommender;
  taxonomies?: TenantTaxonomies | undefined;
}

/** Model name reported in `meta.model`; bump when the local code changes behaviour (retrained artefacts change the hash). */
export const LOCAL_MODEL_VERSION = 'local-v2';

/** In-process models: no network, no vendor. Honest baselines now; a later issue makes them strong. */
export class LocalProvider implements Provider {
  readonly kind = 'local';
  readonly inProcess = true;
  private readonly classifier: SupportClassifier = supportClassifier();

  constructor(
    readonly name: string,
    private readonly deps: LocalProviderDeps,
  ) {
    // Load every model at boot (about 0.2 s), not on the first request: that one would wait for it.
    scoreSentiment('warm up the sentiment models and the language detector', 'auto');
    scoreSentiment('et les modèles français', 'fr');
  }

  modelFor(task: TaskName): string {
    return `${LOCAL_MODEL_VERSION}.${artefactsFingerprint()}/${task}`;
  }

  async run<T extends TaskName>(task: T, input: TaskInput<T>, ctx: ProviderContext): Promise<ProviderOutput<T>> {
    const result = await this.answer(task, input, ctx);
    const output = 'reply' in result ? result.reply : '';
    return {
      result: result as ProviderOutput<T>['result'],
      model: this.modelFor(task),
      usage: { input_tokens: estimateTokens(JSON.stringify(input)), output_tokens: estimateTokens(output) },
    };
  }

  private async tenantTaxonomy(tenantId: string, taxonomy: string, text: string): Promise<ProviderOutput<'categorize'>['result']> {
    const model = await this.deps.taxonomies?.classifier(tenantId, taxonomy);
    if (!model) throw new ProviderError(this.name, 'unsupported', `no trained taxonomy "${taxonomy}" for this tenant`);
    const [top, ...rest] = model.predict(wordAndCharFeatures(text));
    return {
      category: top!.label,
      confidence: round4(top!.probability),
      alternatives: rest.slice(0, 3).map((r) => ({ category: r.label, confidence: round4(r.probability) })),
    };
  }

  /** One answerer per task, each over its own model; the keys are the tasks this provider serves. */
  private readonly answerers: { [T in TaskName]: (input: TaskInput<T>, ctx: ProviderContext) => TaskResult<T> | Promise<TaskResult<T>> } = {
    sentiment: ({ text, language }) => {
      if (language && language !== 'auto' && !SENTIMENT_LANGUAGES.has(language)) {
        throw new ProviderError(this.name, 'unsupported', `local sentiment does not handle language "${language}"`);
      }
      return scoreSentiment(text, language);
    },
    categorize: ({ text, labels, taxonomy }, ctx) => {
      if (labels) return matchLabels(text, labels, this.classifier);
      const trained = tenantTaxonomy(taxonomy);
      if (trained) return this.tenantTaxonomy(ctx.tenantId, trained, text);
      // The answer carries the category, its confidence and alternatives; the intents and `sure` serve replies.
      const { intents: _intents, sure: _sure, ...answer } = this.classifier.classify(text);
      return answer;
    },
    'smart-response': (input, ctx) => smartReply(input, this.classifier, ctx.knowledge),
    recommendations: (input, ctx) => this.deps.recommender.recommend(ctx.tenantId, input),
  };

  readonly tasks: ReadonlySet<TaskName> = new Set(Object.keys(this.answerers) as TaskName[]);

  private answer<T extends TaskName>(task: T, input: TaskInput<T>, ctx: ProviderContext): Promise<TaskResult<T>> {
    const answerer = this.answerers[task] as (input: TaskInput<T>, ctx: ProviderContext) => TaskResult<T> | Promise<TaskResult<T>>;
    return Promise.resolve(answerer(input, ctx));
  }
}
