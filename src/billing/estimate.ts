import { modelOf, type Provider } from '../../providers/provider.js';
import { taskDescriptor, type TaskName } from '../tasks/index.js';
import type { Config } from '../config.js';
import { costMicros } from './pricing.js';

/** A rough, deliberately generous characters-per-token ratio: reservations are settled to the truth afterwards. */
const CHARS_PER_TOKEN = 3;

/**
 * What admission reserves: tokens from the input's size plus the output cap, and the cost of that on the most
 * expensive provider the task may be routed to.
 */
export function estimateUsage(
  config: Pick<Config, 'pricing' | 'routing'>,
  providers: ReadonlyMap<string, Provider>,
  task: TaskName,
  input: unknown,
): { tokens: number; costMicros: number } {
  const inputTokens = Math.ceil(JSON.stringify(input).length / CHARS_PER_TOKEN);
  const outputTokens = taskDescriptor(task).outputTokenCap;
  let cost = 0;
  for (const name of config.routing[task]) {
    const provider = providers.get(name);
    if (!provider) continue;
        const usage = { input_tokens: inputTokens, output_tokens: outputTokens };
    cost = Math.max(cost, costMicros(config.pricing, { provider: name, inProcess: provider.inProcess, model: modelOf(provider, task), task, usage }));
  }
  return { tokens: inputTokens + outputTokens, costMicros: cost };
}
