import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../repositories/types.js';
import { csvField } from '../../src/billing/usage-export.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('usage export', () => {
  let t: TestApp;
  let tenantId: string;
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
  // 4 500 rows: more than two export batches, several sharing one timestamp (the keyset must not skip or repeat them).
  const rows = (n: number): UsageRecord[] =>
    Array.from({ length: n }, (_, i) => ({
      event_id: `use_${String(i).padStart(6, '0')}`, tenant_id: tenantId, key_id: 'key_x', request_id: `r${i}`, task: 'sentiment',
      provider: 'local', model: i === 7 ? 'needs "quoting", really' : 'local-v1', status: 200, input_tokens: 3, output_tokens: 0,
      latency_ms: 1.25, unit_price: { per_request_micros: 2 }, cost_micros: 2, pricing_version: 'v1',
      occurred_at: new Date(Date.UTC(2026, 9, 1) + Math.floor(i / 3) * 1000),
    }));

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = (await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(), payload: { name: 'Export' } })).json().id;
    await t.deps.repos.usage.insertMany(rows(4_500));
  });
  afterAll(() => t.close());

  const range = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';

  it('streams every row once as CSV, with a header and RFC 4180 quoting', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/admin/usage/export?${range}&format=csv`, headers: admin() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('event_id,occurred_at,tenant_id,key_id,request_id,task,provider,model,status,input_tokens,output_tokens,latency_ms,cost_micros,pricing_version');
    expect(lines).toHaveLength(4_501);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(4_500);
    expect(lines[8]).toContain(csvField('needs "quoting", really'));
    expect(csvField('needs "quoting", really')).toBe('"needs ""quoting"", really"');
  });

  it('streams NDJSON, filters by tenant and range, and checks roles', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/admin/usage/export?${range}&format=ndjson&tenant_id=${tenantId}`, headers: admin() });
    const objects = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as UsageRecord);
    expect(objects).toHaveLength(4_500);
    expect(objects[0]).toMatchObject({ event_id: 'use_000000', cost_micros: 2 });
    const narrow = await t.app.inject({ method: 'GET', url: '/admin/usage/export?from=2026-10-01T00:00:00Z&to=2026-10-01T00:00:01Z&format=ndjson', headers: admin() });
    expect(narrow.body.trimEnd().split('\n')).toHaveLength(3);
    const operator = (await t.app.inject({ method: 'POST', url: '/admin/keys', headers: admin(), payload: { name: 'op', role: 'operator' } })).json().secret;
    t.secrets.push(operator);
    expect((await t.app.inject({ method: 'GET', url: `/admin/usage/export?${range}`, headers: { authorization: `Bearer ${operator}` } })).statusCode).toBe(403);
  });
});
