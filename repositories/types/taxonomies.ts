export interface Feedback {
  request_id: string;
  correct: string | null;
  rating: number | null;
}

export interface FeedbackRepository {
  add(tenantId: string, feedback: Feedback): Promise<void>;
  listForRequest(tenantId: string, requestId: string): Promise<Feedback[]>;
}

export interface TaxonomyExample {
  text: string;
  label: string;
}

export type ExampleSource = 'admin' | 'feedback';

/** What a trained taxonomy was trained on: every instance rebuilds the same model from the same examples. */
export interface TaxonomyVersion {
  tenant_id: string;
  taxonomy: string;
  version: number;
  /** Examples up to this id (inclusive) went into this version. */
  last_example_id: number;
  examples: number;
  labels: string[];
  trained_at: Date;
}

export interface TaxonomyRepository {
  addExamples(tenantId: string, taxonomy: string, examples: readonly TaxonomyExample[], source: ExampleSource): Promise<number>;
  /** Examples in insertion order, up to `throughId` when given. */
  examples(tenantId: string, taxonomy: string, throughId?: number): Promise<(TaxonomyExample & { id: number })[]>;
  /** How many examples arrived after `afterId`. */
  countSince(tenantId: string, taxonomy: string, afterId: number): Promise<number>;
  current(tenantId: string, taxonomy: string): Promise<TaxonomyVersion | undefined>;
  saveVersion(version: TaxonomyVersion): Promise<void>;
  /** Remembers a categorisation request's text, so feedback on it can become an example. */
  rememberInput(tenantId: string, requestId: string, taxonomy: string, text: string): Promise<void>;
  inputFor(tenantId: string, requestId: string): Promise<{ taxonomy: string; text: string } | undefined>;
  /** Takes a remembered input away, so a request teaches at most once; false when another call took it first. */
  takeInput(tenantId: string, requestId: string): Promise<boolean>;
  /** The distinct labels of a taxonomy's examples. */
  labels(tenantId: string, taxonomy: string): Promise<string[]>;
  /** Drops remembered inputs older than `before`; returns how many. */
  forgetInputs(before: Date): Promise<number>;
}
