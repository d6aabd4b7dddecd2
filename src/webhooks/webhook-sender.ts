import { HttpClient } from '../../providers/http.js';
import { guardedLookup, literalAddressAllowed, type Resolver } from './webhook-destination.js';

/** What the delivery log keeps of a receiver's answer. */
const SNIPPET_BYTES = 1_024;
const USER_AGENT = 'ai-task-gateway-webhooks/1';

export interface SendResult {
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  response_snippet: string | null;
  retryAfterMs: number | null;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve: Resolver;
  maxConnectionsPerOrigin: number;
}

/** A short, safe account of why no answer came: an error code, never a stack or an internal address. */
function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'WEBHOOK_ADDRESS_FORBIDDEN') return 'the host resolves to a forbidden address';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeoutMs} ms`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host does not resolve';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connection timed out';
  return code ? `request failed (${code})` : 'request failed';
}

/**
 * One HTTP POST per attempt: no redirects followed, a hard deadline, every socket's addresses checked at connect time,
 * and keep-alive connections per receiver so a busy endpoint is not a TLS handshake per event.
 */
export class WebhookSender {
  private readonly http: HttpClient;

  constructor(private readonly options: WebhookSenderOptions) {
    this.http = new HttpClient({
      maxConnectionsPerOrigin: options.maxConnectionsPerOrigin,
      connectTimeoutMs: Math.min(options.timeoutMs, 10_000),
      ioTimeoutMs: options.timeoutMs,
      lookup: guardedLookup(options.resolve, options.allowPrivate),
    });
  }

  async send(url: string, headers: Record<string, string>, body: string, now: () => Date): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = new URL(url);
    if (!literalAddressAllowed(target, this.options.allowPrivate)) {
      return { status_code: null, error: 'the host is a forbidden address', latency_ms: 0, response_snippet: null, retryAfterMs: null };
    }
    try {
      // The first bytes of the answer are kept for the delivery log; the rest is not read (the connection is dropped).
      const answer = await this.http.send({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        maxBytes: SNIPPET_BYTES,
        overflow: 'truncate',
        now: () => now().getTime(),
      });
      return {
        status_code: answer.status,
        error: null,
        latency_ms: elapsed(),
        response_snippet: answer.text === '' ? null : answer.text,
        retryAfterMs: answer.retryAfterMs ?? null,
      };
    } catch (err) {
      return { status_code: null, error: describe(err, this.options.timeoutMs), latency_ms: elapsed(), response_snippet: null, retryAfterMs: null };
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
