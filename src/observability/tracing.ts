import { register } from 'node:module';

type Env = Record<string, string | undefined>;

interface Tracing {
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/**
 * Tracing is on when an OTLP endpoint (or another traces exporter) is configured by the standard OTEL_* variables and
 * OTEL_SDK_DISABLED is not true. Off by default: no SDK is loaded at all.
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter) return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry SDK before the modules it instruments are loaded (the caller imports the app afterwards):
 * incoming requests (W3C traceparent read by @fastify/otel), outgoing HTTP through undici (traceparent sent to
 * vendors and webhook receivers), Redis and PostgreSQL commands. Exporter, endpoint, protocol, sampler and resource
 * come from the OTEL_* variables. Metrics stay with Prometheus and logs with stdout unless OTEL_* asks otherwise.
 */
export async function startTracing(env: Env = process.env): Promise<boolean> {
  if (active || !tracingWanted(env)) return false;
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  env.OTEL_SERVICE_NAME ??= 'ai-task-gateway';
  // ESM modules are instrumented through this loader hook; it only sees modules imported after it is registered.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeSDK }, { UndiciInstrumentation }, { IORedisInstrumentation }, { PgInstrumentation }, { FastifyOtelInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-undici'),
      import('@opentelemetry/instrumentation-ioredis'),
      import('@opentelemetry/instrumentation-pg'),
      import('@fastify/otel'),
    ]);
  const sdk = new NodeSDK({
    instrumentations: [
      new FastifyOtelInstrumentation({ registerOnInitialization: true, ignorePaths: (opts: { url: string }) => opts.url.startsWith('/health/') }),
      new UndiciInstrumentation(),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  active = sdk;
  return true;
}

/** Exports the spans still buffered; called last on shutdown. */
export async function stopTracing(): Promise<void> {
  const sdk = active;
  active = undefined;
  await sdk?.shutdown();
}
