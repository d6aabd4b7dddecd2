// The entry point. Tracing, when OTEL_* configures it, must start before the modules it instruments are loaded, so the
// gateway itself is imported only afterwards.
import { startTracing } from './observability/tracing.js';

await startTracing();
await import('./serve.js');
