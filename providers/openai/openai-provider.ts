import type { HttpClient } from '../http.js';
import {
  ProviderError,
  type Provider,
  type SecretSource,
  type ProviderContext,
  type ProviderOutput,
  type TokenUsage,
} from '../provider.js';
import type { TaskInput, TaskName } from '../../src/tasks/index.js';
import type { OpenAiProviderConfig } from './config.js';
import { PROMPTED_TASKS, promptFor, type TaskPrompt } from './task-prompts.js';

/** One more try when the model's answer is not JSON or breaks the task's schema; then the provider has failed. */
const OUTPUT_ATTEMPTS = 2;
/** A chat completion is a few KiB; anything far larger is not one, and is not buffered whole. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const USER_AGENT = 'ai-task-gateway';
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

class InvalidOutput extends Error {}

interface Completion {
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * Any OpenAI-compatible chat-completions server (OpenAI, Azure, Mistral, Groq, Ollama, vLLM…), asked for
 * structured JSON and checked against the task's schema. Called with undici's request API on the shared pool rather
 * than the vendor SDK: the SDK (over fetch) cost about 1 ms of CPU per call, more than the rest of the gateway's work
 * for a request. Retries are the gateway's job.
 */
export class OpenAiProvider implements Provider {
  readonly kind = 'openai';
  readonly inProcess = false;
  readonly operation = 'chat';
  readonly tasks = PROMPTED_TASKS;
  private readonly origin: string;
  private readonly path: string;

  constructor(
    readonly name: string,
    private readonly config: OpenAiProviderConfig,
    private readonly http: HttpClient,
    private readonly secrets?: SecretSource,
  ) {
    const base = new URL(config.baseUrl);
    this.origin = base.origin;
    this.path = `${base.pathname.replace(/\/+$/, '')}/chat/completions${base.search}`;
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

  /** A secret-store key is read per call, so a rotated value is picked up without a restart. */
  private apiKey(): string {
    const ref = this.config.apiKeySecret;
    if (!ref) return this.config.apiKey;
    const value = this.secrets?.get(ref);
    if (!value) throw new ProviderError(this.name, 'connection', `${this.name} has no API key yet (secret store not loaded)`);
    return value;
  }

  private async complete(prompt: TaskPrompt, model: string, usage: TokenUsage, ctx: ProviderContext): Promise<string> {
    const body = `{"model":${JSON.stringify(model)},"messages":${JSON.stringify(prompt.messages)},"temperature":0,"max_tokens":${prompt.maxTokens},"response_format":${prompt.format.json}}`;
    let answer: { status: number; text: string; retryAfterMs: number | undefined };
    // The provider's own time limit for one call, inside the request's deadline (ctx.signal). Not undici's
    // headersTimeout: its timers tick every half second, too coarse for a limit of a few hundred milliseconds.
    const call = new AbortController();
    const timer = setTimeout(() => call.abort(), this.config.timeoutMs);
    const onAbort = () => call.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      answer = await this.http.send({
        origin: this.origin,
        path: this.path,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${this.apiKey()}`,
          'user-agent': USER_AGENT,
          'x-request-id': ctx.requestId,
        },
        body,
        signal: call.signal,
        maxBytes: MAX_RESPONSE_BYTES,
      });
    } catch (err) {
      throw this.classify(err, ctx.signal, call.signal);
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    }
    const { status, text, retryAfterMs } = answer;
    if (status >= 400) {
      const failure = status === 429 ? 'rate_limited' : status >= 500 ? 'upstream_5xx' : 'bad_request';
      throw new ProviderError(this.name, failure, `${this.name} answered HTTP ${status}`, { status, retryAfterMs });
    }
    let completion: Completion;
    try {
      completion = JSON.parse(text) as Completion;
    } catch {
      // Not a chat completion at all: the answer is unusable, like a model's broken JSON.
      return '';
    }
    usage.input_tokens += completion.usage?.prompt_tokens ?? 0;
    usage.output_tokens += completion.usage?.completion_tokens ?? 0;
    return completion.choices?.[0]?.message?.content ?? '';
  }

  private classify(err: unknown, signal: AbortSignal, call: AbortSignal): ProviderError {
    if (err instanceof ProviderError) return err;
    if (signal.aborted) {
      const timedOut = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
      return new ProviderError(this.name, timedOut ? 'timeout' : 'aborted', `${this.name} call cut short`, { cause: err });
    }
    const code = (err as { code?: unknown } | null)?.code;
    if (call.aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
      return new ProviderError(this.name, 'timeout', `${this.name} did not answer within ${this.config.timeoutMs} ms`, { cause: err });
    }
    return new ProviderError(this.name, 'connection', `${this.name} could not be reached`, { cause: err });
  }
}

function parseAnswer<T extends TaskName>(prompt: TaskPrompt<T>, content: string): ProviderOutput<T>['result'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new InvalidOutput('not JSON');
  }
  if (!prompt.format.check(parsed)) throw new InvalidOutput('schema mismatch');
  return prompt.toResult(parsed);
}
