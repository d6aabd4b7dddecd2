import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitForHttp } from '../../bench/processes.js';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { findSecrets } from '../helpers/secret-scan.js';
import { ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS } from '../helpers/test-app.js';

const root = new URL('../..', import.meta.url).pathname;
const VENDOR_KEY = 'sk-tracing-vendor-secret-31337';

/** The gateway process as deployed, exporting to an OTLP receiver: the spans of one task request, end to end. */
describe('OpenTelemetry tracing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-trace-'));
  let child: ChildProcess | undefined;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('continues the caller trace: server span, one span per provider attempt with GenAI attributes, traceparent to the vendor, trace id in the logs', async () => {
    const receiver = await startOtlpReceiver();
    const upstream = new FakeOpenAi();
    const upstreamUrl = await upstream.start();
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ retries: { max_attempts: 2, base_ms: 1 } }));
    const port = await freePort();
    const output: string[] = [];
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server.ts')], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: join(dir, 'data'),
        GATEWAY_CONFIG: join(dir, 'gateway.json'),
        GATEWAY_ADMIN_KEY: ADMIN_KEY_FOR_TESTS,
        GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS,
        OPENAI_BASE_URL: upstreamUrl,
        OPENAI_API_KEY: VENDOR_KEY,
        REDIS_URL: '',
        DATABASE_URL: '',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => output.push(...String(d).split('\n').filter(Boolean)));
    child.stderr!.on('data', (d: Buffer) => output.push(...String(d).split('\n').filter(Boolean)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/health/ready`);
      const admin = { authorization: `Bearer ${ADMIN_KEY_FOR_TESTS}`, 'content-type': 'application/json' };
      const tenant = (await (await fetch(`${base}/admin/tenants`, { method: 'POST', headers: admin, body: '{"name":"Traced"}' })).json()) as { id: string };
      const key = (await (await fetch(`${base}/admin/tenants/${tenant.id}/keys`, { method: 'POST', headers: admin, body: '{"name":"k"}' })).json()) as { secret: string };

      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      upstream.plan('500'); // the first attempt fails, the retry answers: two attempt spans
      const res = await fetch(`${base}/v1/sentiment`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ text: 'traced and fine', options: { providers: ['openai'] } }),
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { meta: { request_id: string } };

      // traceparent out: both vendor calls belong to the caller's trace.
      expect(upstream.requests).toHaveLength(2);
      for (const sent of upstream.requests) expect(String(sent.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

      const deadline = Date.now() + 10_000;
      const ours = () => receiver.spans.filter((s) => s.traceId === traceId);
      while (Date.now() < deadline && ours().filter((s) => s.attributes['gen_ai.operation.name']).length < 2) await new Promise((r) => setTimeout(r, 100));
      const spans = ours();
      const server = spans.find((s) => s.kind === 2 && s.parentSpanId === '00f067aa0ba902b7');
      expect(server, JSON.stringify(spans.map((s) => [s.name, s.kind, s.scope]))).toBeDefined();
      const attempts = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat').sort((a, b) => Number(a.attributes['gateway.attempt']) - Number(b.attributes['gateway.attempt']));
      expect(attempts.map((s) => [s.name, s.attributes['gateway.attempt'], s.attributes['error.type'] ?? null])).toEqual([
        ['chat gpt-4o-mini', 1, 'upstream_5xx'],
        ['chat gpt-4o-mini', 2, null],
      ]);
      expect(attempts[0]!.status.code).toBe(2);
      expect(attempts[1]!.attributes).toMatchObject({
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 42,
        'gen_ai.usage.output_tokens': 7,
        'gateway.provider': 'openai',
        'gateway.task': 'sentiment',
      });
      // Each vendor call (undici) is a child of its attempt span.
      const outgoing = spans.filter((s) => s.kind === 3 && s.scope.includes('undici'));
      expect(outgoing.map((s) => s.parentSpanId).sort()).toEqual(attempts.map((s) => s.spanId).sort());

      // Log lines of the request carry its trace id, request id and tenant; nothing secret is logged.
      const lines = output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const answered = lines.find((l) => l.msg === 'task answered');
      expect(answered).toMatchObject({ trace_id: traceId, reqId: answer.meta.request_id, tenant: tenant.id });
      expect(findSecrets(output, [ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS, VENDOR_KEY, key.secret])).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await receiver.close();
      await upstream.close();
    }
  }, 60_000);
});
