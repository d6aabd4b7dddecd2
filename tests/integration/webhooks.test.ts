import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { EVENT_CATALOGUE } from '../../src/events/event-catalogue.js';
import type { EventType } from '../../src/events/event-bus.js';
import { RETRY_DELAYS_MS } from '../../src/webhooks/retry-schedule.js';
import { systemResolver, type Resolver } from '../../src/webhooks/webhook-destination.js';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

let t: TestApp;
let receiver: Receiver;
let nowMs = Date.now();
const admin = () => ({ authorization: `Bearer ${t.adminKey}` });

beforeAll(async () => {
  t = await startTestApp({
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
    file: { webhooks: { poll_ms: 60_000, timeout_ms: 2_000 } },
    overrides: { clock: () => new Date(nowMs) },
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

async function tenantWithEndpoint(name: string, events: string[], path = `/${name}`) {
  const tenant = await createTenantWithKey(t, { name });
  const res = await t.app.inject({
    method: 'POST',
    url: `/admin/tenants/${tenant.tenantId}/webhooks`,
    headers: admin(),
    payload: { url: `${receiver.url}${path}`, events, description: `${name} hooks` },
  });
  expect(res.statusCode).toBe(201);
  const endpoint = res.json() as { id: string; secret: string };
  t.secrets.push(endpoint.secret);
  return { tenant, endpoint, path };
}

/** key.created for the tenant: an event written in the same transaction as the key. */
async function keyEvent(tenantId: string) {
  const res = await t.app.inject({ method: 'POST', url: `/admin/tenants/${tenantId}/keys`, headers: admin(), payload: { name: 'another' } });
  expect(res.statusCode).toBe(201);
  t.secrets.push(res.json().secret);
  return res.json().secret as string;
}

const at = (path: string) => receiver.received.filter((r) => r.path === path);
const drain = () => t.deps.webhookDispatcher.drain();
const deliveries = async (query: string) =>
  (await t.app.inject({ method: 'GET', url: `/admin/webhooks/deliveries?${query}`, headers: admin() })).json().data as {
    id: string;
    status: string;
    attempts: number;
    event_id: string;
    attempt_log: { status_code: number | null; error: string | null }[];
  }[];

/** A received body matches what the OpenAPI description documents for its type. */
function expectDocumented(body: string): Record<string, unknown> {
  const event = JSON.parse(body) as { type: EventType; timestamp: string; data: unknown };
  expect(Value.Errors(EVENT_CATALOGUE[event.type].data, event.data), `${event.type} data as documented`).toEqual([]);
  expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
  return event;
}

/** Moves the fake clock past the longest jittered wait before attempt n + 1. */
const pastRetry = (n: number) => {
  nowMs += RETRY_DELAYS_MS[n]! * 1.2 + 1_000;
};

describe('webhook delivery', () => {
  it('signs per Standard Webhooks: the standardwebhooks package verifies body and headers', async () => {
    nowMs = Date.now(); // the package checks the timestamp against the real clock
    const { tenant, endpoint, path } = await tenantWithEndpoint('signed', ['key.created']);
    const key = await keyEvent(tenant.tenantId);
    await drain();
    const [got] = at(path);
    expect(got).toBeDefined();
    expect(got!.id).toMatch(/^msg_/);
    const payload = new Webhook(endpoint.secret).verify(got!.body, got!.headers as Record<string, string>) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'key.created', data: { name: 'another', kind: 'tenant' } });
    expect(Object.keys(payload)).toEqual(['type', 'timestamp', 'data']);
    expectDocumented(got!.body);
    expect(got!.body).not.toContain(key);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(got!.body, got!.headers as Record<string, string>)).toThrow();
  });

  it('500, 500, 500, 200: four attempts with one webhook-id, each after a longer wait, then delivered', async () => {
    const { tenant, path } = await tenantWithEndpoint('flaky', ['key.created']);
    receiver.answer = (r) => ({ status: at(r.path).length < 4 && r.path === path ? 500 : 200, body: 'not yet' });
    await keyEvent(tenant.tenantId);
    await drain();
    expect(at(path)).toHaveLength(1);
    nowMs += 3_000; // under the 5 s step less its 20 % jitter: not due yet
    await drain();
    expect(at(path)).toHaveLength(1);
    for (const step of [1, 2, 3]) {
      pastRetry(step);
      await drain();
      expect(at(path)).toHaveLength(step + 1);
    }
    const got = at(path);
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    const gaps = got.slice(1).map((r, i) => r.timestamp - got[i]!.timestamp);
    expect(gaps[0]).toBeGreaterThanOrEqual(4);
    expect(gaps[1]).toBeGreaterThanOrEqual(240);
    expect(gaps[2]).toBeGreaterThanOrEqual(1_440);
    const [delivery] = await deliveries(`tenant_id=${tenant.tenantId}`);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, event_id: got[0]!.id });
    expect(delivery!.attempt_log.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);
    receiver.answer = () => ({ status: 200 });
  });

  it('an endpoint that always fails ends dead-lettered after the schedule; redelivery (one, or all since a time) sends the same id again', async () => {
    const { tenant, path } = await tenantWithEndpoint('down', ['key.created']);
    let up = false;
    receiver.answer = (r) => ({ status: r.path === path && !up ? 503 : 200 });
    const diedFrom = new Date(nowMs).toISOString();
    await keyEvent(tenant.tenantId);
    await keyEvent(tenant.tenantId);
    await drain();
    for (let step = 1; step < RETRY_DELAYS_MS.length; step++) {
      pastRetry(step);
      await drain();
    }
    expect(at(path)).toHaveLength(2 * RETRY_DELAYS_MS.length);
    const dead = await deliveries(`tenant_id=${tenant.tenantId}&status=dead`);
    expect(dead).toHaveLength(2);
    expect(dead[0]!.attempt_log).toHaveLength(10);
    up = true;
    const one = await t.app.inject({ method: 'POST', url: `/admin/webhooks/deliveries/${dead[0]!.id}/redeliver`, headers: admin() });
    expect(one.statusCode).toBe(202);
    await drain();
    expect(at(path).at(-1)!.id).toBe(dead[0]!.event_id);
    const all = await t.app.inject({
      method: 'POST',
      url: '/admin/webhooks/deliveries/redeliver',
      headers: admin(),
      payload: { since: diedFrom, tenant_id: tenant.tenantId },
    });
    expect(all.json()).toEqual({ requeued: 1 });
    await drain();
    expect(at(path).at(-1)!.id).toBe(dead[1]!.event_id);
    expect((await deliveries(`tenant_id=${tenant.tenantId}&status=succeeded`)).map((d) => d.attempts)).toEqual([1, 1]);
    receiver.answer = () => ({ status: 200 });
  });

  it('410 Gone turns the endpoint off, dead-letters the delivery and tells the tenant\'s other endpoints', async () => {
    const { tenant, endpoint, path } = await tenantWithEndpoint('gone', ['key.created']);
    const watcher = await t.app.inject({
      method: 'POST',
      url: `/admin/tenants/${tenant.tenantId}/webhooks`,
      headers: admin(),
      payload: { url: `${receiver.url}/gone-watch`, events: ['webhook.endpoint_disabled'] },
    });
    t.secrets.push(watcher.json().secret);
    receiver.answer = (r) => ({ status: r.path === path ? 410 : 200 });
    await keyEvent(tenant.tenantId);
    await drain();
    const state = await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.tenantId}/webhooks/${endpoint.id}`, headers: admin() });
    expect(state.json()).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    const [delivery] = await deliveries(`endpoint_id=${endpoint.id}`);
    expect(delivery!.status).toBe('dead');
    expect(expectDocumented(at('/gone-watch')[0]!.body)).toMatchObject({ type: 'webhook.endpoint_disabled', data: { endpoint_id: endpoint.id, reason: 'gone' } });
    const again = await t.app.inject({ method: 'POST', url: `/admin/webhooks/deliveries/${delivery!.id}/redeliver`, headers: admin() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
    await keyEvent(tenant.tenantId);
    await drain();
    expect(at(path)).toHaveLength(1);
    receiver.answer = () => ({ status: 200 });
  });

  it('a redirect is a failure and is not followed', async () => {
    const { tenant, path } = await tenantWithEndpoint('moved', ['key.created']);
    receiver.answer = (r) => (r.path === path ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 });
    await keyEvent(tenant.tenantId);
    await drain();
    const [delivery] = await deliveries(`tenant_id=${tenant.tenantId}`);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery!.attempt_log[0]!.status_code).toBe(302);
    expect(at('/elsewhere')).toHaveLength(0);
    receiver.answer = () => ({ status: 200 });
  });

  it('honours Retry-After beyond the schedule\'s step', async () => {
    const { tenant, path } = await tenantWithEndpoint('busy', ['key.created']);
    receiver.answer = (r) => ({ status: r.path === path && at(path).length === 1 ? 429 : 200, headers: { 'retry-after': '120' } });
    await keyEvent(tenant.tenantId);
    await drain();
    pastRetry(1);
    await drain();
    expect(at(path)).toHaveLength(1);
    nowMs += 120_000;
    await drain();
    expect(at(path)).toHaveLength(2);
    receiver.answer = () => ({ status: 200 });
  });

  it('after 5 days without a success the endpoint is turned off', async () => {
    const { tenant, endpoint, path } = await tenantWithEndpoint('rotting', ['key.created']);
    receiver.answer = (r) => ({ status: r.path === path ? 500 : 200 });
    await keyEvent(tenant.tenantId);
    await drain();
    nowMs += 4 * 86_400_000;
    await keyEvent(tenant.tenantId);
    await drain();
    let state = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.tenantId}/webhooks/${endpoint.id}`, headers: admin() })).json();
    expect(state.enabled).toBe(true);
    nowMs += 86_400_000;
    await drain();
    state = (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.tenantId}/webhooks/${endpoint.id}`, headers: admin() })).json();
    expect(state).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    expect((await deliveries(`endpoint_id=${endpoint.id}&status=pending`))).toHaveLength(0);
    const enabled = await t.app.inject({
      method: 'PATCH',
      url: `/admin/tenants/${tenant.tenantId}/webhooks/${endpoint.id}`,
      headers: admin(),
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    receiver.answer = () => ({ status: 200 });
  });
});

describe('webhook endpoints', () => {
  it('secret rotation: both signatures during the overlap, only the new one after', async () => {
    nowMs = Date.now();
    const { tenant, endpoint, path } = await tenantWithEndpoint('rotate', ['key.created']);
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/admin/tenants/${tenant.tenantId}/webhooks/${endpoint.id}/rotate-secret`,
      headers: admin(),
      payload: { overlap_seconds: 3_600 },
    });
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().secret as string;
    t.secrets.push(fresh);
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(endpoint.secret);
    await keyEvent(tenant.tenantId);
    await drain();
    const during = at(path)[0]!;
    expect(during.signature.split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, fresh]) expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
    nowMs += 3_601_000;
    await keyEvent(tenant.tenantId);
    await drain();
    const after = at(path)[1]!;
    expect(after.signature.split(' ')).toHaveLength(1);
  });

  it('self-service under /v1 needs the webhooks scope and sees only its own endpoints; task.completed is opt-in', async () => {
    const mine = await createTenantWithKey(t, { name: 'Self service' });
    const other = await tenantWithEndpoint('someone-else', ['key.created']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: mine.auth,
      payload: { url: `${receiver.url}/self`, events: ['task.completed'] },
    });
    expect(created.statusCode).toBe(201);
    t.secrets.push(created.json().secret);
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: mine.auth });
    expect(list.json().data.map((e: { id: string }) => e.id)).toEqual([created.json().id]);
    expect(list.body).not.toContain('whsec_');
    const foreign = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${other.endpoint.id}`, headers: mine.auth });
    expect(foreign.statusCode).toBe(404);
    const unscoped = await createTenantWithKey(t, { name: 'No hooks' }, { name: 'tasks only', scopes: ['sentiment'] });
    const refused = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: unscoped.auth });
    expect(refused.statusCode).toBe(403);

    const answered = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: mine.auth, payload: { text: 'lovely' } });
    await t.deps.outbox.flush();
    await drain();
    const [event] = at('/self');
    expect(expectDocumented(event!.body)).toMatchObject({ type: 'task.completed', data: { request_id: answered.json().meta.request_id, task: 'sentiment' } });
    await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: unscoped.auth, payload: { text: 'lovely' } });
    await t.deps.outbox.flush();
    await drain();
    expect(await deliveries(`tenant_id=${unscoped.tenantId}`)).toHaveLength(0);

    const patched = await t.app.inject({ method: 'PATCH', url: `/v1/webhooks/${created.json().id}`, headers: mine.auth, payload: { enabled: false } });
    expect(patched.json()).toMatchObject({ enabled: false, disabled_reason: 'by_user' });
    const log = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${created.json().id}/deliveries`, headers: mine.auth });
    expect(log.json().data[0].attempt_log[0].status_code).toBe(200);
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.json().id}`, headers: mine.auth });
    expect(removed.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/v1/webhooks/${created.json().id}`, headers: mine.auth })).statusCode).toBe(404);
  });
});

describe('SSRF protection (private networks not allowed)', () => {
  let strict: TestApp;
  let rebindTo = '93.184.216.34';
  const names: Record<string, () => string[]> = {
    'hooks.example.test': () => [rebindTo],
    'loopback.example.test': () => ['127.0.0.1'],
    'mixed.example.test': () => ['93.184.216.34', '10.0.0.5'],
  };
  const resolve: Resolver = async (host) => {
    const fixed = names[host];
    return fixed ? fixed().map((address) => ({ address, family: 4 })) : systemResolver(host);
  };

  beforeAll(async () => {
    strict = await startTestApp({ file: { webhooks: { poll_ms: 60_000, timeout_ms: 2_000 } }, overrides: { resolve } });
  });
  afterAll(() => strict.close());

  it('refuses loopback, private, link-local, metadata, IPv4-mapped and rebinding-prone URLs at registration with 422', async () => {
    const tenant = await createTenantWithKey(strict, { name: 'Strict' });
    const register = (url: string) =>
      strict.app.inject({ method: 'POST', url: '/v1/webhooks', headers: tenant.auth, payload: { url, events: ['key.created'] } });
    const refused: [string, string][] = [
      ['https://127.0.0.1/hook', 'address'],
      ['https://localhost/hook', 'address'],
      ['https://loopback.example.test/hook', 'address'],
      ['https://mixed.example.test/hook', 'address'],
      ['https://10.0.0.1/hook', 'address'],
      ['https://192.168.1.20/hook', 'address'],
      ['https://169.254.169.254/latest/meta-data', 'address'],
      ['https://[::1]/hook', 'address'],
      ['https://[fd00::1]/hook', 'address'],
      ['https://[::ffff:10.0.0.1]/hook', 'address'],
      ['https://[::ffff:7f00:1]/hook', 'address'],
      ['https://0.0.0.0/hook', 'address'],
      ['http://93.184.216.34/hook', 'scheme'],
      ['https://user:secret@hooks.example.test/hook', 'credentials'],
      ['https://nothing-here.invalid/hook', 'unresolvable'],
    ];
    for (const [url, reason] of refused) {
      const res = await register(url);
      expect({ url, status: res.statusCode, code: res.json().error?.code, reason: res.json().error?.details?.reason }).toEqual({
        url,
        status: 422,
        code: 'WEBHOOK_URL_FORBIDDEN',
        reason,
      });
    }
    const accepted = await register('https://hooks.example.test/hook');
    expect(accepted.statusCode).toBe(201);
    strict.secrets.push(accepted.json().secret);
    const moved = await strict.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${accepted.json().id}`,
      headers: tenant.auth,
      payload: { url: 'https://loopback.example.test/hook' },
    });
    expect(moved.statusCode).toBe(422);
  });

  it('checks again at connect time: a name that now resolves to 127.0.0.1 (DNS rebinding) is never connected to', async () => {
    const tenant = await createTenantWithKey(strict, { name: 'Rebound' });
    rebindTo = '93.184.216.34';
    const created = await strict.app.inject({
      method: 'POST',
      url: `/admin/tenants/${tenant.tenantId}/webhooks`,
      headers: { authorization: `Bearer ${strict.adminKey}` },
      payload: { url: 'https://hooks.example.test/rebound', events: ['key.created'] },
    });
    strict.secrets.push(created.json().secret);
    rebindTo = '127.0.0.1';
    const key = await strict.app.inject({
      method: 'POST',
      url: `/admin/tenants/${tenant.tenantId}/keys`,
      headers: { authorization: `Bearer ${strict.adminKey}` },
      payload: { name: 'trigger' },
    });
    strict.secrets.push(key.json().secret);
    await strict.deps.webhookDispatcher.drain();
    const log = await strict.app.inject({ method: 'GET', url: `/v1/webhooks/${created.json().id}/deliveries`, headers: tenant.auth });
    const [delivery] = log.json().data;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: 'the host resolves to a forbidden address' });
  });
});
