import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../repositories/paging.js';
import type { Interaction, Repositories } from '../../repositories/types.js';
import type { TestDatabase } from '../helpers/databases.js';

const at = (iso: string) => new Date(iso);

function event(id: string, type: Interaction['type'], user: string, item: string, when = '2026-01-01T00:00:00Z'): Interaction {
  return { id, type, user_id: user, item_id: item, value: null, occurred_at: at(when) };
}

/** One suite, every implementation: the same behaviour is required of PGlite and PostgreSQL. */
export function repositoryContract(database: () => TestDatabase): void {
  describe(`repositories on ${database().name}`, () => {
    let db: TestDatabase;
    let repos: Repositories;

    beforeAll(async () => {
      db = database();
      repos = await db.open();
    });
    afterAll(async () => {
      await repos?.close();
      await db?.cleanup();
    });

    it('creates, reads, updates and pages through tenants', async () => {
      const a = await repos.tenants.create({ name: 'A', metadata: { plan: 'pro' } });
      const b = await repos.tenants.create({ name: 'B', allowed_providers: ['local'] });
      const c = await repos.tenants.create({ name: 'C' });
      expect(await repos.tenants.get(a.id)).toMatchObject({ name: 'A', status: 'active', allowed_providers: null, metadata: { plan: 'pro' } });
      expect((await repos.tenants.get(b.id))?.allowed_providers).toEqual(['local']);
      expect(await repos.tenants.get('tnt_0000000000000000000000')).toBeUndefined();

      const first = await repos.tenants.list({ limit: 2 });
      expect(first.data.map((t) => t.id)).toEqual([a.id, b.id]);
      expect(first.next_cursor).not.toBeNull();
      const second = await repos.tenants.list({ limit: 2, cursor: first.next_cursor! });
      expect(second.data.map((t) => t.id)).toEqual([c.id]);
      expect(second.next_cursor).toBeNull();
      await expect(repos.tenants.list({ limit: 2, cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidCursorError);

      const updated = await repos.tenants.update(c.id, { status: 'suspended', allowed_providers: null, name: 'C2' });
      expect(updated).toMatchObject({ status: 'suspended', name: 'C2', allowed_providers: null });
      expect(await repos.tenants.update('tnt_0000000000000000000000', { name: 'x' })).toBeUndefined();
    });

    it('stores keys by hash, never returns the hash, revokes and touches', async () => {
      const tenant = await repos.tenants.create({ name: 'K' });
      const now = at('2026-02-01T00:00:00Z');
      const key = await repos.keys.create({
        kind: 'tenant', tenant_id: tenant.id, name: 'svc', mode: 'bearer', scopes: ['sentiment'], role: null,
        ip_allow: [], secret_ciphertext: null, start: 'gwk_live_abc', hash: 'a'.repeat(64), expires_at: null,
      });
      expect(key).not.toHaveProperty('key_hash');
      expect(await repos.keys.findByHash('a'.repeat(64))).toMatchObject({ id: key.id, scopes: ['sentiment'], revoked_at: null });
      expect(await repos.keys.findByHash('b'.repeat(64))).toBeUndefined();
      await repos.keys.touch(key.id, now);
      expect((await repos.keys.get(key.id))?.last_used_at?.toISOString()).toBe(now.toISOString());
      expect((await repos.keys.revoke(key.id, now))?.revoked_at?.toISOString()).toBe(now.toISOString());
      // a second revocation keeps the first time
      expect((await repos.keys.revoke(key.id, at('2027-01-01T00:00:00Z')))?.revoked_at?.toISOString()).toBe(now.toISOString());
      const page = await repos.keys.list({ kind: 'tenant', tenant_id: tenant.id }, { limit: 10 });
      expect(page.data.map((k) => k.id)).toEqual([key.id]);
    });

    it('counts only active admin keys', async () => {
      const now = at('2026-03-01T00:00:00Z');
      const before = await repos.keys.countActiveAdminKeys(now);
      const base = { kind: 'admin' as const, tenant_id: null, name: 'a', mode: 'bearer' as const, scopes: [], role: 'owner' as const, ip_allow: [], secret_ciphertext: null, start: 'gwa_live_abc' };
      await repos.keys.create({ ...base, hash: 'c'.repeat(64), expires_at: null });
      await repos.keys.create({ ...base, hash: 'd'.repeat(64), expires_at: at('2026-01-01T00:00:00Z') });
      const revoked = await repos.keys.create({ ...base, hash: 'e'.repeat(64), expires_at: null });
      await repos.keys.revoke(revoked.id, now);
      expect(await repos.keys.countActiveAdminKeys(now)).toBe(before + 1);
    });

    it('ingests events idempotently, in sequence, and follows them and the catalogue by tenant', async () => {
      const t = (await repos.tenants.create({ name: 'R' })).id;
      const other = (await repos.tenants.create({ name: 'Other' })).id;
      const first = await repos.interactions.addEvents(t, [
        event('1', 'purchase', 'u1', 'a'),
        event('2', 'rating', 'u1', 'b'),
        event('3', 'view', 'u2', 'a', '2026-01-02T00:00:00Z'),
        event('3', 'view', 'u2', 'a'),
      ]);
      expect(first.duplicates).toBe(1);
      expect(first.stored.map((e) => [e.id, e.type, e.user_id, e.item_id])).toEqual([
        ['1', 'purchase', 'u1', 'a'],
        ['2', 'rating', 'u1', 'b'],
        ['3', 'view', 'u2', 'a'],
      ]);
      expect(first.stored[2]!.occurred_at.toISOString()).toBe('2026-01-02T00:00:00.000Z');
      const seqs = first.stored.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(3);
      expect(await repos.interactions.addEvents(t, [event('1', 'purchase', 'u1', 'a')])).toEqual({ stored: [], duplicates: 1 });
      await repos.interactions.addEvents(other, [event('1', 'purchase', 'x', 'z')]);

      expect((await repos.interactions.eventsSince(t, 0, 100)).map((e) => e.id)).toEqual(['1', '2', '3']);
      expect((await repos.interactions.eventsSince(t, seqs[0]!, 1)).map((e) => e.id)).toEqual(['2']);
      expect(await repos.interactions.eventsSince(t, seqs[2]!, 100)).toEqual([]);

      expect(await repos.interactions.windowStart(t, 2)).toBe(seqs[0]);
      expect(await repos.interactions.windowStart(t, 3)).toBe(0);
      expect(await repos.interactions.windowStart(other, 0)).toBeGreaterThan(0);

      const { asOf: start } = await repos.interactions.itemCategories(t, { itemIds: [] });
      await repos.interactions.upsertItems(t, [
        { item_id: 'b', title: 'B', category: 'books', attributes: {} },
        { item_id: 'c', title: 'C', category: 'music', attributes: { colour: 'red' } },
        { item_id: 'c', title: 'C2', category: 'music', attributes: {} },
      ]);
      expect(await repos.interactions.upsertItems(t, [{ item_id: 'c', title: 'C3', category: 'books', attributes: {} }])).toBe(1);
      const categories = (await repos.interactions.itemCategories(t, { itemIds: ['b', 'c', 'nope'] })).items;
      expect(categories.map(({ item_id, category }) => ({ item_id, category })).sort((x, y) => x.item_id.localeCompare(y.item_id))).toEqual([
        { item_id: 'b', category: 'books' },
        { item_id: 'c', category: 'books' },
      ]);
      // "Changed since" compares the database's stamps with the database's own time, never this process's clock.
      const changed = await repos.interactions.itemCategories(t, { changedSince: start, limit: 10 });
      expect(changed.items.map((i) => i.item_id).sort()).toEqual(['b', 'c']);
      expect(changed.asOf.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect((await repos.interactions.itemCategories(t, { changedSince: start, limit: 1 })).items).toHaveLength(1);
      expect((await repos.interactions.itemCategories(t, { changedSince: new Date(changed.asOf.getTime() + 60_000), limit: 10 })).items).toEqual([]);
      expect((await repos.interactions.itemCategories(other, { changedSince: start, limit: 10 })).items).toEqual([]);
    });

    it('keeps knowledge-base entries per tenant: upsert by id, pages, get, delete', async () => {
      const t = (await repos.tenants.create({ name: 'K' })).id;
      const u = (await repos.tenants.create({ name: 'L' })).id;
      const entry = (id: string, question: string) => ({ id, question, answer: `answer to ${question}`, tags: ['faq'], language: 'en' });
      await repos.knowledge.upsert(t, [entry('b', 'returns'), entry('a', 'shipping'), entry('a', 'shipping times')]);
      await repos.knowledge.upsert(u, [entry('a', 'other tenant')]);
      expect((await repos.knowledge.get(t, 'a'))).toMatchObject({ id: 'a', question: 'shipping times', tags: ['faq'], language: 'en' });
      expect((await repos.knowledge.list(t, { limit: 1 })).map((e) => e.id)).toEqual(['a']);
      expect((await repos.knowledge.list(t, { limit: 5, after: 'a' })).map((e) => e.id)).toEqual(['b']);
      expect((await repos.knowledge.all(t)).map((e) => e.id).sort()).toEqual(['a', 'b']);
      await repos.knowledge.upsert(t, [{ ...entry('b', 'refunds'), tags: [], language: null }]);
      expect(await repos.knowledge.get(t, 'b')).toMatchObject({ question: 'refunds', tags: [], language: null });
      expect(await repos.knowledge.remove(t, 'a')).toBe(true);
      expect(await repos.knowledge.remove(t, 'a')).toBe(false);
      expect(await repos.knowledge.get(t, 'a')).toBeUndefined();
      expect((await repos.knowledge.get(u, 'a'))?.question).toBe('other tenant');
    });

    it('keeps feedback per tenant and request', async () => {
      const t = (await repos.tenants.create({ name: 'F' })).id;
      const u = (await repos.tenants.create({ name: 'G' })).id;
      await repos.feedback.add(t, { request_id: 'req_1', correct: 'refunds', rating: null });
      await repos.feedback.add(t, { request_id: 'req_1', correct: null, rating: 4 });
      expect(await repos.feedback.listForRequest(t, 'req_1')).toEqual([
        { request_id: 'req_1', correct: 'refunds', rating: null },
        { request_id: 'req_1', correct: null, rating: 4 },
      ]);
      expect(await repos.feedback.listForRequest(u, 'req_1')).toEqual([]);
    });

    it('keeps taxonomy examples in order per tenant, versions, and remembered request texts', async () => {
      const t = (await repos.tenants.create({ name: 'Tax' })).id;
      const u = (await repos.tenants.create({ name: 'Other' })).id;
      expect(await repos.taxonomies.addExamples(t, 'desk', [{ text: 'where is my parcel', label: 'shipping' }, { text: 'card declined', label: 'billing' }], 'admin')).toBe(2);
      await repos.taxonomies.addExamples(u, 'desk', [{ text: 'other tenant', label: 'x' }], 'admin');
      const all = await repos.taxonomies.examples(t, 'desk');
      expect(all.map((e) => e.label)).toEqual(['shipping', 'billing']);
      expect(all[1]!.id).toBeGreaterThan(all[0]!.id);
      expect(await repos.taxonomies.examples(t, 'desk', all[0]!.id)).toHaveLength(1);
      expect(await repos.taxonomies.countSince(t, 'desk', all[0]!.id)).toBe(1);
      expect(await repos.taxonomies.current(t, 'desk')).toBeUndefined();
      const v1 = { tenant_id: t, taxonomy: 'desk', version: 1, last_example_id: all[1]!.id, examples: 2, labels: ['billing', 'shipping'], trained_at: new Date('2026-11-01T00:00:00Z') };
      await repos.taxonomies.saveVersion(v1);
      await repos.taxonomies.saveVersion({ ...v1, version: 2 });
      expect(await repos.taxonomies.current(t, 'desk')).toEqual({ ...v1, version: 2 });
      expect(await repos.taxonomies.current(u, 'desk')).toBeUndefined();

      await repos.taxonomies.rememberInput(t, 'req_a', 'desk', 'my card was declined');
      await repos.taxonomies.rememberInput(t, 'req_a', 'desk', 'a retry changes nothing');
      expect(await repos.taxonomies.inputFor(t, 'req_a')).toEqual({ taxonomy: 'desk', text: 'my card was declined' });
      expect(await repos.taxonomies.inputFor(u, 'req_a')).toBeUndefined();
      expect(await repos.taxonomies.forgetInputs(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
      expect(await repos.taxonomies.inputFor(t, 'req_a')).toBeUndefined();
    });

    it('keeps one ledger row per usage event id and sums usage by day, task, provider and key', async () => {
      const t = (await repos.tenants.create({ name: 'Metered' })).id;
      const row = (event_id: string, task: string, provider: string, when: string, cost: number) => ({
        event_id, tenant_id: t, key_id: 'key_a', request_id: `req_${event_id}`, task, provider, model: 'm', status: 200,
        input_tokens: 10, output_tokens: 5, latency_ms: 1.5, unit_price: { per_request_micros: cost }, cost_micros: cost,
        pricing_version: 'v1', occurred_at: at(when),
      });
      for (let i = 0; i < 5; i++) await repos.usage.insertMany([row('use_same', 'sentiment', 'local', '2026-03-01T10:00:00Z', 7)]);
      expect(await repos.usage.count({ tenant_id: t })).toBe(1);
      expect(await repos.usage.insertMany([row('use_same', 'sentiment', 'local', '2026-03-01T10:00:00Z', 7), row('use_2', 'categorize', 'openai', '2026-03-02T23:59:59Z', 100)])).toBe(1);
      await repos.usage.insertMany([row('use_3', 'categorize', 'openai', '2026-04-01T00:00:00Z', 1000)]);
      const march = { from: at('2026-03-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') };
      expect(await repos.usage.summarize(t, march, 'day')).toEqual([
        { group: '2026-03-01', requests: 1, input_tokens: 10, output_tokens: 5, cost_micros: 7 },
        { group: '2026-03-02', requests: 1, input_tokens: 10, output_tokens: 5, cost_micros: 100 },
      ]);
      expect((await repos.usage.summarize(t, march, 'provider')).map((r) => [r.group, r.cost_micros])).toEqual([['local', 7], ['openai', 100]]);
      expect((await repos.usage.summarize(t, march, 'key')).map((r) => r.requests)).toEqual([2]);
    });

    it('outbox to deliveries: fan-out by tenant and type (gateway-wide events to every subscriber), leases, finish, redelivery, prune', async () => {
      const now = at('2026-05-01T00:00:00Z');
      const t1 = (await repos.tenants.create({ name: 'Hooks 1' })).id;
      const t2 = (await repos.tenants.create({ name: 'Hooks 2' })).id;
      const endpoint = (id: string, tenant: string, events: string[]) =>
        repos.webhookEndpoints.create({ id, tenant_id: tenant, url: `https://hooks.example.com/${id}`, description: null, events, secrets: [{ ciphertext: 'sealed', expires_at: null }], created_at: now });
      await endpoint('ep_00000000000000000000001', t1, ['key.created', 'provider.circuit_opened']);
      await endpoint('ep_00000000000000000000002', t2, ['provider.circuit_opened']);
      expect(await repos.webhookEndpoints.subscribedTypes(t1)).toEqual(expect.arrayContaining(['key.created', 'provider.circuit_opened']));
      const msg = (n: number, tenant: string | null, type: string) => ({ id: `msg_${String(n).padStart(22, '0')}`, tenant_id: tenant, type, body: `{"n":${n}}`, created_at: now });
      // Written in a transaction that fails: nothing stays.
      await expect(repos.transaction(async (tx) => {
        await tx.outbox.append([msg(0, t1, 'key.created')]);
        throw new Error('roll back');
      })).rejects.toThrow('roll back');
      await repos.outbox.append([msg(1, t1, 'key.created'), msg(2, t2, 'key.created'), msg(3, null, 'provider.circuit_opened')]);
      await repos.outbox.append([msg(1, t1, 'key.created')]); // a retried batch is harmless
      expect(await repos.webhookDeliveries.fanOut(now, 100)).toBe(3);
      expect(await repos.webhookDeliveries.fanOut(now, 100)).toBe(0);
      const inFlight = new Map<string, number>();
      const anyTenant = { tenantCap: 100, tenantInFlight: new Map<string, number>() };
      const first = await repos.webhookDeliveries.claim(now, { limit: 10, leaseMs: 60_000, endpointCap: 1, inFlight, ...anyTenant });
      // One per endpoint at a time: t1's endpoint has two due, only one is handed out.
      expect(first.map((c) => c.endpoint.id).sort()).toEqual(['ep_00000000000000000000001', 'ep_00000000000000000000002']);
      expect(first.every((c) => c.attempt === 1 && c.body.startsWith('{"n":'))).toBe(true);
      const again = await repos.webhookDeliveries.claim(now, { limit: 10, leaseMs: 60_000, endpointCap: 2, inFlight: new Map([['ep_00000000000000000000001', 1]]), ...anyTenant });
      expect(again).toHaveLength(1);
      expect(await repos.webhookDeliveries.claim(now, { limit: 10, leaseMs: 60_000, endpointCap: 8, inFlight, ...anyTenant })).toHaveLength(0);
      const attempt = { attempt: 1, at: now, status_code: 500, error: null, latency_ms: 12, response_snippet: 'oops' };
      const retryAt = at('2026-05-01T00:00:05Z');
      const recorded = await repos.webhookDeliveries.finishMany([
        { claim: first[0]!, attempt, outcome: { state: 'retry', at: retryAt } },
        { claim: { ...first[1]!, lease: 'stolen' }, attempt, outcome: { state: 'succeeded' } },
      ]);
      expect(recorded).toEqual([true, false]);
      const retried = await repos.webhookDeliveries.get(first[0]!.id);
      expect(retried).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, next_attempt_at: retryAt });
      expect(retried!.attempt_log).toEqual([attempt]);
      expect((await repos.webhookEndpoints.get(first[0]!.tenant_id, first[0]!.endpoint.id))!.failing_since).toEqual(now);
      expect(await repos.webhookDeliveries.releaseLeases(now)).toBe(2);
      const due = await repos.webhookDeliveries.claim(retryAt, { limit: 10, leaseMs: 60_000, endpointCap: 8, inFlight, ...anyTenant });
      expect(due).toHaveLength(3);
      for (const claim of due) await repos.webhookDeliveries.finish(claim, { ...attempt, at: retryAt, status_code: claim.tenant_id === t1 ? 200 : 410 }, claim.tenant_id === t1 ? { state: 'succeeded' } : { state: 'dead' });
      expect((await repos.webhookEndpoints.get(t1, 'ep_00000000000000000000001'))!.failing_since).toBeNull();
      const dead = await repos.webhookDeliveries.list({ status: 'dead' }, { limit: 10 });
      expect(dead.data.map((d) => d.tenant_id)).toEqual([t2]);
      expect(await repos.webhookDeliveries.redeliverDead({ since: now, tenant_id: t2 }, retryAt)).toBe(1);
      expect((await repos.webhookDeliveries.get(dead.data[0]!.id))).toMatchObject({ status: 'pending', attempts: 0, finished_at: null });
      expect(await repos.webhookEndpoints.disable('ep_00000000000000000000002', 'gone', retryAt)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
      expect((await repos.webhookDeliveries.get(dead.data[0]!.id))!.status).toBe('dead');
      const page = await repos.webhookDeliveries.list({ tenant_id: t1 }, { limit: 2 });
      expect(page.data).toHaveLength(2);
      expect(page.data[0]!.id > page.data[1]!.id).toBe(true); // newest first
      expect(await repos.webhookDeliveries.prune(at('2026-06-01T00:00:00Z'))).toBe(3);
      expect(await repos.webhookDeliveries.list({}, { limit: 10 })).toEqual({ data: [], next_cursor: null });
      expect(await repos.webhookEndpoints.remove(t1, 'ep_00000000000000000000001')).toBe(true);
    });

    it("claims are fair across tenants: one tenant's backlog of older deliveries never crowds out another's, and each tenant stays under its cap", async () => {
      const now = at('2026-07-01T00:00:00Z');
      const flood = (await repos.tenants.create({ name: 'Flood' })).id;
      const quiet = (await repos.tenants.create({ name: 'Quiet' })).id;
      const endpoint = (id: string, tenant: string) =>
        repos.webhookEndpoints.create({ id, tenant_id: tenant, url: `https://hooks.example.com/${id}`, description: null, events: ['key.created'], secrets: [{ ciphertext: 'sealed', expires_at: null }], created_at: now });
      const floodEndpoints = Array.from({ length: 8 }, (_, i) => `ep_fair_flood_${String(i).padStart(11, '0')}`);
      for (const id of floodEndpoints) await endpoint(id, flood);
      await endpoint('ep_fair_quiet_00000000000', quiet);
      const msg = (n: number, tenant: string, seconds: number) => ({ id: `msg_fair${String(n).padStart(18, '0')}`, tenant_id: tenant, type: 'key.created', body: '{}', created_at: new Date(now.getTime() + seconds * 1000) });
      await repos.outbox.append(Array.from({ length: 300 }, (_, i) => msg(i, flood, 0)));
      await repos.outbox.append([msg(1_000, quiet, 1)]);
      expect(await repos.webhookDeliveries.fanOut(now, 1_000)).toBe(301);
      const later = new Date(now.getTime() + 60_000);
      const first = await repos.webhookDeliveries.claim(later, { limit: 16, leaseMs: 60_000, endpointCap: 8, inFlight: new Map(), tenantCap: 12, tenantInFlight: new Map() });
      expect(first.filter((c) => c.tenant_id === quiet)).toHaveLength(1);
      expect(first.filter((c) => c.tenant_id === flood)).toHaveLength(12);
      // With the flood's cap already taken by what this instance has in flight, it gets nothing more.
      const second = await repos.webhookDeliveries.claim(later, { limit: 16, leaseMs: 60_000, endpointCap: 8, inFlight: new Map(), tenantCap: 12, tenantInFlight: new Map([[flood, 12]]) });
      expect(second).toEqual([]);
    });

    it('appends the audit chain with one head under concurrent writers, filters it and walks it in order', async () => {
      const tenant = await repos.tenants.create({ name: 'Audited' });
      const entry = (action: string, outcome: 'success' | 'failure' | 'denied', at: string) => ({
        at: new Date(at), actor_key_id: 'key_admin', actor_role: 'owner', action, target_type: 'tenant', target_id: tenant.id,
        tenant_id: tenant.id, request_id: null, ip: '203.0.113.9', outcome, status: 200, diff: { name: ['Old', 'New'] },
      });
      const chain = (seq: number, e: { action: string }, prev: string) => `${seq}:${e.action}:${prev}`;
      const before = (await repos.audit.walk(0, 100_000)).length;
      const written = await Promise.all(
        Array.from({ length: 12 }, (_, i) => repos.audit.append(entry(i % 3 === 0 ? 'tenant.updated' : 'key.created', i % 4 === 0 ? 'denied' : 'success', `2026-12-31T23:5${i % 10}:00Z`), chain)),
      );
      const seqs = written.map((r) => r.seq).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(12);
      expect(seqs.at(-1)! - seqs[0]!).toBe(11);
      const walked = await repos.audit.walk(seqs[0]! - 1, 12);
      expect(walked.map((r) => r.seq)).toEqual(seqs);
      for (let i = 1; i < walked.length; i++) expect(walked[i]!.prev_hash).toBe(walked[i - 1]!.hash);
      for (const r of walked) expect(r.hash).toBe(chain(r.seq, r, r.prev_hash));
      expect(walked[0]).toMatchObject({ tenant_id: tenant.id, diff: { name: ['Old', 'New'] }, ip: '203.0.113.9' });
      expect((await repos.audit.walk(0, 100_000)).length).toBe(before + 12);

      const denied = await repos.audit.list({ tenant_id: tenant.id, outcome: 'denied' }, { limit: 50 });
      expect(denied.data).toHaveLength(3);
      const updates = await repos.audit.list({ tenant_id: tenant.id, action: 'tenant.updated' }, { limit: 50 });
      expect(updates.data.every((r) => r.action === 'tenant.updated')).toBe(true);
      const window = await repos.audit.list({ tenant_id: tenant.id, from: new Date('2026-12-31T23:52:00Z'), to: new Date('2026-12-31T23:54:00Z') }, { limit: 50 });
      expect(window.data.map((r) => r.at.toISOString()).every((t) => t >= '2026-12-31T23:52' && t < '2026-12-31T23:54')).toBe(true);
      // Newest first, paged without loss or repeat.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repos.audit.list({ tenant_id: tenant.id }, { limit: 5, cursor });
        seen.push(...page.data.map((r) => r.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(12);
      expect(new Set(seen).size).toBe(12);
      expect([...seen].sort().reverse()).toEqual(seen);
      expect((await repos.audit.list({ tenant_id: 'ten_nobody' }, { limit: 5 })).data).toEqual([]);
    });

    it('finalizes an invoice once per tenant and month: concurrent or later finalizations keep the first', async () => {
      const tenant = await repos.tenants.create({ name: 'Billed' });
      const invoice = (total: number) => ({
        tenant_id: tenant.id, month: '2026-12', status: 'finalized' as const, currency: 'EUR', total_micros: total, finalized_at: new Date('2027-01-01T00:00:00Z'),
        lines: [{ kind: 'platform_fee' as const, description: 'Platform fee', quantity: 1, amount_micros: total }],
      });
      expect(await repos.invoices.get(tenant.id, '2026-12')).toBeUndefined();
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => repos.invoices.finalize(invoice(n * 1_000_000))));
      const kept = results[0]!;
      expect(results.every((r) => r.total_micros === kept.total_micros)).toBe(true);
      expect(await repos.invoices.finalize(invoice(9_000_000))).toEqual(kept);
      expect(await repos.invoices.get(tenant.id, '2026-12')).toEqual(kept);
      expect(kept).toMatchObject({ status: 'finalized', currency: 'EUR', lines: [{ kind: 'platform_fee', quantity: 1, amount_micros: kept.total_micros }] });
      // Another month and another tenant are their own invoices.
      expect(await repos.invoices.get(tenant.id, '2027-01')).toBeUndefined();
      const other = await repos.tenants.create({ name: 'Other' });
      expect(await repos.invoices.get(other.id, '2026-12')).toBeUndefined();
    });

    it('answers ping', async () => {
      await expect(repos.ping()).resolves.toBeUndefined();
    });
  });
}
