import type { LookupFunction } from 'node:net';
import { Agent, Pool, fetch as undiciFetch } from 'undici';

export interface HttpClientOptions {
  /** Default 64. */
  maxConnectionsPerOrigin?: number;
  /** Overrides per origin (`https://api.example.com`), e.g. from a provider's `max_connections`. */
  connectionsByOrigin?: ReadonlyMap<string, number>;
  /** Default 5 s. */
  connectTimeoutMs?: number;
  /** Upper bound for waiting on response headers or body bytes; the request deadline is usually shorter. Default 120 s. */
  ioTimeoutMs?: number;
  /** The sockets' DNS lookup (webhooks check every address they connect to). */
  lookup?: LookupFunction;
}

/**
 * The one outbound HTTP client: a keep-alive undici Agent (one connection pool per origin) and a fetch bound to it,
 * so every upstream call reuses connections and honours the same timeouts.
 */
export class HttpClient {
  readonly dispatcher: Agent;

  constructor(settings: HttpClientOptions = {}) {
    const options = { maxConnectionsPerOrigin: 64, connectTimeoutMs: 5_000, ioTimeoutMs: 120_000, ...settings };
    const perOrigin = options.connectionsByOrigin ?? new Map<string, number>();
    this.dispatcher = new Agent({
      connections: options.maxConnectionsPerOrigin,
      factory: (origin, poolOptions) =>
        new Pool(origin, { ...poolOptions, connections: perOrigin.get(String(origin)) ?? options.maxConnectionsPerOrigin }),
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: options.connectTimeoutMs, ...(options.lookup ? { lookup: options.lookup } : {}) },
      headersTimeout: options.ioTimeoutMs,
      bodyTimeout: options.ioTimeoutMs,
    });
  }

  readonly fetch = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher: this.dispatcher });

  /**
   * One request and its answer read to at most `maxBytes`: beyond them the connection is dropped (never drained) and
   * the call fails, or with `overflow: 'truncate'` the first bytes are kept. Transport errors and aborts are thrown as
   * they come, for the caller to classify (a provider failure, a webhook attempt's note).
   */
  async send(request: OutboundRequest): Promise<OutboundResponse> {
    const response = await this.dispatcher.request({
      origin: request.origin,
      path: request.path,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal,
    });
    const text = await readBody(response.body, request.maxBytes, request.overflow ?? 'fail');
    const retryAfter = response.headers['retry-after'];
    return { status: response.statusCode, text, retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, (request.now ?? Date.now)()) };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

export interface OutboundRequest {
  origin: string;
  path: string;
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  maxBytes: number;
  /** `fail` (default): an answer over `maxBytes` is an error; `truncate`: its first bytes are the text. */
  overflow?: 'fail' | 'truncate';
  /** For an HTTP-date Retry-After: the caller's clock. */
  now?: () => number;
}

export interface OutboundResponse {
  status: number;
  text: string;
  retryAfterMs: number | undefined;
}

export class ResponseTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`response larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

async function readBody(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number, overflow: 'fail' | 'truncate'): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxBytes || (overflow === 'truncate' && size >= maxBytes)) {
      body.destroy();
      if (overflow === 'fail') throw new ResponseTooLargeError(maxBytes);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/** Retry-After as milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
