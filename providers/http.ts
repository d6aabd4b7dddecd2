import type { LookupFunction } from 'node:net';
import { Agent, Pool, fetch as undiciFetch } from 'undici';

export interface HttpClientOptions {
  maxConnectionsPerOrigin: number;
  /** Overrides per origin (`https://api.example.com`), e.g. from a provider's `max_connections`. */
  connectionsByOrigin?: ReadonlyMap<string, number>;
  connectTimeoutMs: number;
  /** Upper bound for waiting on response headers or body bytes; the request deadline is usually shorter. */
  ioTimeoutMs: number;
  /** The sockets' DNS lookup (webhooks check every address they connect to). */
  lookup?: LookupFunction;
}

/**
 * The one outbound HTTP client: a keep-alive undici Agent (one connection pool per origin) and a fetch bound to it,
 * so every upstream call reuses connections and honours the same timeouts.
 */
export class HttpClient {
  readonly dispatcher: Agent;

  constructor(options: HttpClientOptions) {
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

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
