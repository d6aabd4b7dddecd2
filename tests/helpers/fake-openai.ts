import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake upstream does with the next request. */
export type Behaviour = 'ok' | 'slow' | 'garbage' | 'wrong-schema' | 'hang' | '500' | '503' | '429' | '400' | 'reset';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

const USAGE = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };

function answerFor(body: Record<string, unknown>): unknown {
  const format = body.response_format as { json_schema?: { name?: string; schema?: { properties?: { category?: { anyOf?: { const: string }[] } } } } } | undefined;
  const schema = format?.json_schema?.schema;
  switch (format?.json_schema?.name) {
    case 'sentiment':
      return { label: 'positive', score: 0.8, confidence: 0.9, language: 'en' };
    case 'categorize_support':
      return { intent: 'track_order', confidence: 0.91, alternatives: [{ intent: 'cancel_order', confidence: 0.05 }] };
    case 'categorize_labels': {
      const labels = (schema?.properties?.category?.anyOf ?? []).map((s) => s.const);
      return { category: labels[0], confidence: 0.7, alternatives: [{ category: labels[1], confidence: 0.2 }] };
    }
    case 'smart_response': {
      // Cites every knowledge-base entry it was given, plus one it made up (the gateway must drop that one).
      const system = String((body.messages as { content: string }[] | undefined)?.[0]?.content ?? '');
      const cited = [...system.matchAll(/^\{"id":"([^"]+)"/gm)].map((m) => m[1]!);
      const sources = cited.length > 0 ? [...cited, 'kb_invented_by_the_model'] : [];
      return { reply: 'Hello from the upstream model.', intent: 'track_order', sentiment: 'neutral', escalate: false, escalation_score: 0.1, sources };
    }
    default:
      return {};
  }
}

/**
 * A real HTTP server speaking enough of the chat-completions API for the gateway's openai provider.
 * Behaviours are queued per request; when the queue is empty it answers correctly.
 */
export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  connections = 0;
  /** Share of unplanned requests answered with a 500 (for load tests of failover). */
  failRate = 0;
  /** Added before every answer, as a vendor's model time (load tests, shutdown under load). */
  latencyMs = 0;
  /** Off under load (bench, soak): millions of recorded requests would hold gigabytes. */
  recordRequests = true;
  /** Hanging requests whose client (the gateway) went away: proof that an upstream call was cancelled. */
  cancelled = 0;
  private readonly queue: Behaviour[] = [];
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', () => this.connections++);
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  plan(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (this.recordRequests) this.requests.push({ path: req.url ?? '', headers: req.headers, body });
    const behaviour = this.queue.shift() ?? (this.failRate > 0 && Math.random() < this.failRate ? '500' : 'ok');
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const completion = (content: string) =>
      json(200, {
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: USAGE,
      });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    switch (behaviour) {
      case 'ok':
        return completion(JSON.stringify(answerFor(body)));
      case 'slow':
        await new Promise((r) => setTimeout(r, 150));
        return completion(JSON.stringify(answerFor(body)));
      case 'garbage':
        return completion('Sure! Here is your answer: {not json');
      case 'wrong-schema':
        return completion(JSON.stringify({ unexpected: true }));
      case 'hang':
        this.hanging.add(res);
        res.on('close', () => {
          if (this.hanging.delete(res) && !res.writableEnded) this.cancelled++;
        });
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case '429':
        return json(429, { error: { message: 'slow down' } }, { 'retry-after': '1' });
      default:
        return json(Number(behaviour), { error: { message: `status ${behaviour}` } });
    }
  }

  async close(): Promise<void> {
    const open = [...this.hanging];
    this.hanging.clear();
    for (const res of open) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
