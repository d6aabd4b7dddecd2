import type { TokenUsage } from '../../providers/provider.js';
import type { TaskName } from '../../providers/task-schemas.js';
import type { Config } from '../config.js';

/** Cost of one answer in micro-units: per-request price for local models, per-token prices for vendors. */
export function costMicros(
  pricing: Config['pricing'],
  answer: { provider: string; kind: string; model: string; task: TaskName; usage: TokenUsage },
): number {
  if (answer.kind === 'local') return pricing.localPerRequestMicros[answer.task];
  const price = pricing.models[`${answer.provider}/${answer.model}`];
  if (!price) return 0;
  return Math.round(
    (answer.usage.input_tokens * price.inputPerMillionMicros + answer.usage.output_tokens * price.outputPerMillionMicros) /
      1_000_000,
  );
}
