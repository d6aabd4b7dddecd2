import type { TaskInput, TaskName, TaskResult } from '../tasks/index.js';
import type { TaskMeta as ResponseMeta, TaskOptions } from '../tasks/task-envelope.js';
import { signRequest } from './signing.js';

/** Bearer keys for internal services; signed keys (GW-HMAC-1) for B2B clients. */
export type GatewayCredentials = { apiKey: string } | { keyId: string; signingSecret: string };

export interface GatewayClientOptions {
  /** e.g. `https://gateway.example.com` */
  baseUrl: string;
  credentials: GatewayCredentials;
  /** Defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Client-side deadline per call; defaults to 60 s. */
  timeoutMs?: number;
}

export type { TaskOptions } from '../tasks/task-envelope.js';
export type { TaskMeta as ResponseMeta } from '../tasks/task-envelope.js';

export type TaskAnswer<T extends TaskName> = TaskResult<T> & { meta: ResponseMeta };

export interface InteractionEvent {
  id?: string;
  type: 'view' | 'click' | 'add_to_cart' | 'purchase' | 'rating';
  user_id: string;
  item_id: string;
  value?: number;
  timestamp?: string;
}

export interface CatalogItemInput {
  item_id: string;
  title?: string;
  category?: string;
  attributes?: Record<string, unknown>;
}

/** An error answer from the gateway: `code` is stable (see the error catalogue), `message` is for people. */
export class GatewayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
    this.name = 'GatewayApiError';
  }
}

/** A small typed client for the tenant API. Every call is signed when the credentials are a signed key. */
export class GatewayClient {
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: GatewayClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  sentiment(input: TaskInput<'sentiment'> & { options?: TaskOptions }): Promise<TaskAnswer<'sentiment'>> {
    return this.request('POST', '/v1/sentiment', input);
  }

  categorize(input: TaskInput<'categorize'> & { options?: TaskOptions }): Promise<TaskAnswer<'categorize'>> {
    return this.request('POST', '/v1/categorize', input);
  }

  smartResponse(input: TaskInput<'smart-response'> & { options?: TaskOptions }): Promise<TaskAnswer<'smart-response'>> {
    return this.request('POST', '/v1/smart-response', input);
  }

  recommendations(input: TaskInput<'recommendations'> & { options?: TaskOptions }): Promise<TaskAnswer<'recommendations'>> {
    return this.request('POST', '/v1/recommendations', input);
  }

  events(events: InteractionEvent[]): Promise<{ accepted: number; duplicates: number }> {
    return this.request('POST', '/v1/events', { events });
  }

  items(items: CatalogItemInput[]): Promise<{ accepted: number }> {
    return this.request('POST', '/v1/items', { items });
  }

  feedback(feedback: { request_id: string; correct?: string; rating?: number }): Promise<{ accepted: boolean; learned: boolean }> {
    return this.request('POST', '/v1/feedback', feedback);
  }

  /** Any tenant route: JSON in, JSON out, authenticated. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.options.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const creds = this.options.credentials;
    if ('apiKey' in creds) headers.authorization = `Bearer ${creds.apiKey}`;
    else Object.assign(headers, signRequest({ method, url, body: payload, keyId: creds.keyId, secret: creds.signingSecret }));
    const response = await this.fetch(url, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const e = (parsed as { error?: { code?: string; message?: string; request_id?: string; details?: Record<string, unknown> } })?.error;
      throw new GatewayApiError(response.status, e?.code ?? 'UNKNOWN', e?.message ?? response.statusText, e?.request_id, e?.details);
    }
    return parsed as T;
  }
}
