import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ProviderOutput } from '../../providers/provider.js';

const tracer = trace.getTracer('ai-task-gateway');

export interface AttemptInfo {
  /** The configured provider name (`openai`, `groq-eu`, `local`). */
  provider: string;
  /** Its kind: `openai` for every OpenAI-compatible vendor, `local` for in-process models. */
  kind: string;
  /** The GenAI operation (`chat`, or the task for in-process models). */
  operation: string;
  inProcess: boolean;
  task: string;
  model: string;
  attempt: number;
}

/**
 * One span per provider attempt, named and attributed after the OpenTelemetry GenAI conventions (operation, provider,
 * requested and answering model, token usage). Without a tracing SDK the API hands out non-recording spans.
 */
export function inAttemptSpan<T extends ProviderOutput>(info: AttemptInfo, work: () => Promise<T>): Promise<T> {
  const { operation } = info;
  return tracer.startActiveSpan(
    `${operation} ${info.model}`,
    {
      kind: info.inProcess ? SpanKind.INTERNAL : SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': operation,
        'gen_ai.provider.name': info.kind,
        'gen_ai.request.model': info.model,
        'gateway.provider': info.provider,
        'gateway.task': info.task,
        'gateway.attempt': info.attempt,
      },
    },
    async (span) => {
      try {
        const out = await work();
        span.setAttributes({
          'gen_ai.response.model': out.model,
          'gen_ai.usage.input_tokens': out.usage.input_tokens,
          'gen_ai.usage.output_tokens': out.usage.output_tokens,
        });
        return out;
      } catch (err) {
        const failure = (err as { failure?: unknown }).failure;
        span.setAttribute('error.type', typeof failure === 'string' ? failure : 'error');
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : undefined });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
