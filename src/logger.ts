import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Every path that can carry a secret; pino replaces the value before the line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.signature',
  'req.headers["signature-input"]',
  'req.headers.cookie',
  'headers.authorization',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'token',
  '*.token',
  'signingSecret',
  '*.signingSecret',
  'masterKey',
  '*.masterKey',
  'req.headers["x-vault-token"]',
  'err.config.headers',
  'err.response.config',
];

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Lines written inside a traced request carry its trace and span ids (nothing when tracing is off).
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
