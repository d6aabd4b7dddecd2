import { createHash } from 'node:crypto';
import type { TokenUsage } from '../../providers/provider.js';
import type { TaskName } from '../tasks/index.js';
import { canonicalJson } from '../canonical-json.js';
import type { Config } from '../config.js';

export interface PricedAnswer {
  provider: string;
  /** In-process models are priced per request; vendors per million tokens. */
  inProcess: boolean;
  model: string;
  task: TaskName;
  usage: TokenUsage;
}

/** The prices that apply to an answer, in micros: per request for local models, per million tokens for vendors. */
export function unitPrice(pricing: Config['pricing'], answer: Omit<PricedAnswer, 'usage'>): Record<string, number> {
  if (answer.inProcess) return { per_request_micros: pricing.localPerRequestMicros[answer.task] };
  const price = pricing.models[`${answer.provider}/${answer.model}`];
  return {
    input_per_million_micros: price?.inputPerMillionMicros ?? 0,
    output_per_million_micros: price?.outputPerMillionMicros ?? 0,
  };
}

/** Cost of one answer in micro-units. */
export function costMicros(pricing: Config['pricing'], answer: PricedAnswer): number {
  const price = unitPrice(pricing, answer);
  if (price.per_request_micros !== undefined) return price.per_request_micros;
  return Math.round(
    (answer.usage.input_tokens * price.input_per_million_micros! + answer.usage.output_tokens * price.output_per_million_micros!) /
      1_000_000,
  );
}

/** Names the price table a ledger row was priced with: the first 12 hex of its SHA-256. */
export function pricingVersion(pricing: Config['pricing']): string {
  return createHash('sha256').update(canonicalJson(pricing)).digest('hex').slice(0, 12);
}
