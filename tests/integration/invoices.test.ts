import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../repositories/types.js';
import { finalizePreviousMonth } from '../../src/billing/invoices.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('invoices', () => {
  let t: TestApp;
  let nowMs = Date.parse('2026-10-20T12:00:00Z');
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
  const row = (tenant: string, i: number, local: boolean, cost: number, day = 5): UsageRecord => ({
    event_id: `use_inv_${tenant}_${i}`, tenant_id: tenant, key_id: 'key_x', request_id: `r${i}`, task: 'sentiment',
    provider: local ? 'local' : 'openai', model: local ? 'local-v1' : 'gpt-4o-mini', status: 200, input_tokens: 10, output_tokens: 2,
    latency_ms: 1, unit_price: local ? { per_request_micros: cost } : { input_per_million_micros: 150_000, output_per_million_micros: 600_000 },
    cost_micros: cost, pricing_version: 'v1', occurred_at: new Date(Date.UTC(2026, 9, day, 10)),
  });

  beforeAll(async () => {
    t = await startTestApp({
      overrides: { clock: () => new Date(nowMs) },
      file: { plans: { pro: { monthly_fee_micros: 49_000_000, included_requests: 2, overage_per_request_micros: 1_000, markup_percent: 20 } } },
    });
  });
  afterAll(() => t.close());

  it('a draft while the month is open, then finalized and frozen; usage lines equal the ledger to the micro', async () => {
    const tenant = (await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(), payload: { name: 'Billed', plan: 'pro' } })).json();
    await t.deps.repos.usage.insertMany([row(tenant.id, 1, true, 3), row(tenant.id, 2, false, 1_234), row(tenant.id, 3, false, 4_321), row(tenant.id, 4, true, 3)]);
    const draft = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/invoices/2026-10`, headers: admin() })).json();
    expect(draft.status).toBe('draft');
    expect(draft.lines).toEqual([
      { kind: 'platform_fee', description: 'Monthly platform fee', quantity: 1, amount_micros: 49_000_000 },
      { kind: 'provider_usage', description: 'AI vendor usage (tokens at list price)', quantity: 2, amount_micros: 5_555 },
      { kind: 'local_usage', description: 'Local model requests', quantity: 2, amount_micros: 6 },
      { kind: 'markup', description: 'Markup 20 % on vendor usage', quantity: 1, amount_micros: 1_111 },
      { kind: 'overage', description: 'Requests beyond the 2 included', quantity: 2, amount_micros: 2_000 },
    ]);
    expect(draft.total_micros).toBe(49_000_000 + 5_555 + 6 + 1_111 + 2_000);
    const ledger = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/usage?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z`, headers: admin() })).json();
    const usageLines = draft.lines.filter((l: { kind: string }) => l.kind.endsWith('_usage')).reduce((s: number, l: { amount_micros: number }) => s + l.amount_micros, 0);
    expect(usageLines - ledger.total.cost_micros).toBe(0);

    const finalized: unknown[] = [];
    t.deps.events.on((e) => e.type === 'invoice.finalized' && e.tenant_id === tenant.id && finalized.push(e.data));
    nowMs = Date.parse('2026-11-01T00:00:05Z');
    const final = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/invoices/2026-10`, headers: admin() })).json();
    expect(final.status).toBe('finalized');
    expect(final.total_micros).toBe(draft.total_micros);
    expect(t.logs.some((l) => l.includes('invoice finalized'))).toBe(true);
    expect(finalized).toEqual([{ month: '2026-10', total_micros: final.total_micros, currency: 'USD' }]);
    // A late ledger row does not change a finalized invoice.
    await t.deps.repos.usage.insertMany([row(tenant.id, 5, false, 99_999, 30)]);
    const again = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/invoices/2026-10`, headers: admin() })).json();
    expect(again).toEqual(final);

    const csv = await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/invoices/2026-10`, headers: { ...admin(), accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('kind,description,quantity,amount_micros');
    expect(lines.at(-1)).toBe(`total,"finalized invoice 2026-10 (USD)",,${final.total_micros}`);
  });

  it('the finalization pass closes last month for every tenant without anyone asking', async () => {
    const tenant = (await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(), payload: { name: 'Unasked' } })).json();
    // Tenants are stamped with the database's real clock, so this pass closes the month the tenant was created in.
    const month = new Date(tenant.created_at).toISOString().slice(0, 7);
    await t.deps.repos.usage.insertMany([{ ...row(tenant.id, 1, false, 250), occurred_at: new Date(tenant.created_at) }]);
    const [y, m] = month.split('-').map(Number) as [number, number];
    nowMs = Date.UTC(y, m, 1, 1);
    expect(await finalizePreviousMonth(t.deps.repos.tenants, t.deps.invoices, new Date(nowMs))).toBeGreaterThan(0);
    const stored = await t.deps.repos.invoices.get(tenant.id, month);
    expect(stored).toMatchObject({ status: 'finalized', total_micros: 250 });
  });

  it('without a plan the invoice total is exactly the ledger cost; future months and unknown plans are refused', async () => {
    const tenant = (await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(), payload: { name: 'Payg' } })).json();
    await t.deps.repos.usage.insertMany([row(tenant.id, 1, false, 777), row(tenant.id, 2, true, 5)]);
    const invoice = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/invoices/2026-10`, headers: admin() })).json();
    expect(invoice.total_micros).toBe(782);
    // The future is the month after the injected clock's, whatever month an earlier test moved it to.
    const now = new Date(nowMs);
    const future = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
    expect((await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.id}/invoices/${future}`, headers: admin() })).statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'PATCH', url: `/admin/tenants/${tenant.id}`, headers: admin(), payload: { plan: 'platinum' } });
    expect(bad.statusCode).toBe(400);
  });
});
