import OpenAI from 'openai';
import { Value } from 'typebox/value';
import type { HttpClient } from '../http.js';
import {
  ProviderError,
  parseRetryAfter,
  type OpenAiProviderConfig,
  type Provider,
  type SecretSource,
  type ProviderContext,
  type ProviderOutput,
  type TokenUsage,
} from '../provider.js';
import type { TaskInput, TaskName } from '../task-schemas.js';
import { promptFor, type TaskPrompt } from './task-prompts.js';

/** One more try when the model's answer is not JSON or breaks the task's schema; then the provider has failed. */
const OUTPUT_ATTEMPTS = 2;

class InvalidOutput extends Error {}

/**
 * Any OpenAI-compatible chat-completions server (OpenAI, Azure, Mistral, Groq, Ollama, vLLM…), asked for
 * structured JSON and checked against the task's schema. Retries are the gateway's job, so the SDK's are off.
 */
export class OpenAiProvider implements Provider {
  readonly kind = 'openai';
  readonly tasks: ReadonlySet<TaskName> = new Set<TaskName>(['sentiment', 'categorize', 'smart-response']);
  private readonly client: OpenAI;

  constructor(
    readonly name: string,
    private readonly config: OpenAiProviderConfig,
    http: HttpClient,
    secrets?: SecretSource,
  ) {
    const ref = config.apiKeySecret;
    this.client = new OpenAI({
      // A secret-store key is read per call, so a rotated value is picked up without a restart.
      apiKey: ref
        ? async () => {
            const value = secrets?.get(ref);
            if (!value) throw new ProviderError(name, 'connection', `${name} has no API key yet (secret store not loaded)`);
            return value;
          }
        : config.apiKey,
      baseURL: config.baseUrl,
      maxRetries: 0,
      timeout: config.timeoutMs,
      fetch: http.fetch as unknown as typeof globalThis.fetch,
    });
  }

  modelFor(task: TaskName): string {
    return this.config.models[task] ?? this.config.defaultModel;
  }

  async run<T extends TaskName>(task: T, input: TaskInput<T>, ctx: ProviderContext): Promise<ProviderOutput<T>> {
    const prompt = promptFor(task, input, ctx.knowledge);
    if (!prompt) throw new ProviderError(this.name, 'unsupported', `${this.name} cannot answer this ${task} request`);
    const model = this.modelFor(task);
    const usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
    for (let attempt = 1; ; attempt++) {
      const content = await this.complete(prompt, model, usage, ctx);
      try {
        return { result: parseAnswer(prompt, content), model, usage };
      } catch (err) {
        if (!(err instanceof InvalidOutput)) throw err;
        if (attempt >= OUTPUT_ATTEMPTS) {
          throw new ProviderError(this.name, 'invalid_output', `${this.name} answered ${task} with invalid output twice`);
        }
      }
    }
  }

  private async complete(prompt: TaskPrompt, model: string, usage: TokenUsage, ctx: ProviderContext): Promise<string> {
    try {
      const response = await this.client.chat.completions.create(
        {
          model,
          messages: prompt.messages,
          temperature: 0,
          max_tokens: prompt.maxTokens,
          response_format: {
            type: 'json_schema',
            json_schema: { name: prompt.schemaName, strict: true, schema: plainSchema(prompt.schema) },
          },
        },
        { signal: ctx.signal, headers: { 'x-request-id': ctx.requestId } },
      );
      usage.input_tokens += response.usage?.prompt_tokens ?? 0;
      usage.output_tokens += response.usage?.completion_tokens ?? 0;
      return response.choices?.[0]?.message?.content ?? '';
    } catch (err) {
      throw this.classify(err, ctx.signal);
    }
  }

  private classify(err: unknown, signal: AbortSignal): ProviderError {
    if (err instanceof ProviderError) return err;
    if (signal.aborted) {
      const timedOut = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
      return new ProviderError(this.name, timedOut ? 'timeout' : 'aborted', `${this.name} call cut short`, { cause: err });
    }
    if (err instanceof OpenAI.APIConnectionTimeoutError) {
      return new ProviderError(this.name, 'timeout', `${this.name} did not answer within ${this.config.timeoutMs} ms`, { cause: err });
    }
    if (err instanceof OpenAI.APIConnectionError) {
      return new ProviderError(this.name, 'connection', `${this.name} could not be reached`, { cause: err });
    }
    if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
      const status = err.status;
      const failure = status === 429 ? 'rate_limited' : status >= 500 ? 'upstream_5xx' : 'bad_request';
      const retryAfterMs = parseRetryAfter(err.headers?.get('retry-after'));
      return new ProviderError(this.name, failure, `${this.name} answered HTTP ${status}`, { status, retryAfterMs, cause: err });
    }
    return new ProviderError(this.name, 'connection', `${this.name} call failed`, { cause: err });
  }
}

function parseAnswer<T extends TaskName>(prompt: TaskPrompt<T>, content: string): ProviderOutput<T>['result'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new InvalidOutput('not JSON');
  }
  if (!Value.Check(prompt.schema, parsed)) throw new InvalidOutput('schema mismatch');
  return prompt.toResult(parsed);
}

const plainSchemas = new WeakMap<object, Record<string, unknown>>();

/** TypeBox schemas carry symbol metadata; vendors want plain JSON. Static schemas are converted once. */
function plainSchema(schema: object): Record<string, unknown> {
  let plain = plainSchemas.get(schema);
  if (!plain) {
    plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
    plainSchemas.set(schema, plain);
  }
  return plain;
}
