import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

const REFUNDS = {
  id: 'faq-refund-time',
  question: 'How long does a refund take?',
  answer: 'Refunds for order {order_id} reach your card within 5 business days.',
  tags: ['refunds'],
  language: 'en',
};
const REFUNDS_FR = {
  id: 'faq-refund-time-fr',
  question: 'Combien de temps prend un remboursement ?',
  answer: 'Le remboursement de la commande {order_id} arrive sur votre carte sous 5 jours ouvrés.',
  language: 'fr',
};
const GIFT_WRAP = { question: 'Do you offer gift wrapping?', answer: 'Yes: choose gift wrapping at checkout, it costs 3 euros.' };

describe('knowledge base', () => {
  let t: TestApp;
  let tenant: TenantWithKey;
  let admin: { authorization: string };
  let base: string;
  const reply = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/smart-response', headers: tenant.auth, payload });

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenantWithKey(t);
    admin = { authorization: `Bearer ${t.adminKey}` };
    base = `/admin/tenants/${tenant.tenantId}/knowledge-base`;
  });
  afterAll(() => t.close());

  it('adds, lists in pages, gets and deletes entries', async () => {
    const created = await t.app.inject({ method: 'POST', url: base, headers: admin, payload: { entries: [REFUNDS, REFUNDS_FR, GIFT_WRAP] } });
    expect(created.statusCode).toBe(201);
    const { created: count, ids } = created.json();
    expect(count).toBe(3);
    expect(ids.slice(0, 2)).toEqual(['faq-refund-time', 'faq-refund-time-fr']);
    expect(ids[2]).toMatch(/^kb_[0-9a-z]{22}$/);

    const first = await t.app.inject({ method: 'GET', url: `${base}?limit=2`, headers: admin });
    expect(first.json().data.map((e: { id: string }) => e.id)).toEqual(['faq-refund-time', 'faq-refund-time-fr']);
    const second = await t.app.inject({ method: 'GET', url: `${base}?limit=2&cursor=${first.json().next_cursor}`, headers: admin });
    expect(second.json()).toMatchObject({ data: [{ id: ids[2], question: GIFT_WRAP.question, tags: [], language: null }], next_cursor: null });

    const one = await t.app.inject({ method: 'GET', url: `${base}/faq-refund-time`, headers: admin });
    expect(one.json()).toMatchObject({ ...REFUNDS, created_at: expect.any(String) });
    const gone = await t.app.inject({ method: 'DELETE', url: `${base}/${ids[2]}`, headers: admin });
    expect(gone.json()).toMatchObject({ id: ids[2] });
    expect((await t.app.inject({ method: 'GET', url: `${base}/${ids[2]}`, headers: admin })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `${base}/${ids[2]}`, headers: admin })).statusCode).toBe(404);
  });

  it('refuses bad entries, other roles and other tenants with catalogue codes', async () => {
    const bad = [{}, { entries: [] }, { entries: [{ question: '', answer: 'a' }] }, { entries: [{ question: 'q', answer: 'a', language: 'english' }] }, { entries: [{ id: 'no spaces', question: 'q', answer: 'a' }] }];
    for (const payload of bad) {
      const res = await t.app.inject({ method: 'POST', url: base, headers: admin, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const tooMany = { entries: Array.from({ length: 501 }, (_, i) => ({ question: `q${i}`, answer: 'a' })) };
    expect((await t.app.inject({ method: 'POST', url: base, headers: admin, payload: tooMany })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: base, headers: tenant.auth })).json().error.code).toBe('FORBIDDEN');
    const auditor = await t.app.inject({ method: 'POST', url: '/admin/keys', headers: admin, payload: { name: 'aud', role: 'auditor' } });
    t.secrets.push(auditor.json().secret);
    const asAuditor = { authorization: `Bearer ${auditor.json().secret}` };
    expect((await t.app.inject({ method: 'GET', url: base, headers: asAuditor })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: base, headers: asAuditor, payload: { entries: [GIFT_WRAP] } })).json().error.code).toBe('FORBIDDEN');
    expect((await t.app.inject({ method: 'GET', url: '/admin/tenants/tnt_0000000000000000000000/knowledge-base', headers: admin })).statusCode).toBe(404);
    const audit = await t.app.inject({ method: 'GET', url: '/admin/audit?action=knowledge.entries_added', headers: admin });
    expect(audit.json().data.length).toBeGreaterThan(0);
  });

  it('replies from the best entry in the customer\'s language, fills the context, and names the entry in sources', async () => {
    const en = await reply({ message: 'How long will my refund take to arrive?', tone: 'concise', context: { order_id: 'A-1042' } });
    expect(en.statusCode).toBe(200);
    expect(en.json()).toMatchObject({ reply: 'Refunds for order A-1042 reach your card within 5 business days.', sources: ['faq-refund-time'] });
    const fr = await reply({ message: 'Combien de temps pour mon remboursement ?', tone: 'formal', context: { order_id: 'A-1042', customer_name: 'Mme Roux' } });
    expect(fr.json().reply).toBe('Bonjour Mme Roux, Le remboursement de la commande A-1042 arrive sur votre carte sous 5 jours ouvrés. Cordialement.');
    expect(fr.json().sources).toEqual(['faq-refund-time-fr']);
    const unrelated = await reply({ message: 'I forgot my password, how do I reset it?' });
    expect(unrelated.json().intent).toBe('recover_password');
    expect(unrelated.json().sources).toBeUndefined();
    expect(unrelated.json().reply).toContain('Forgot password');
  });

  it('answers from changed entries at once, cached replies included', async () => {
    const ask = () => reply({ message: 'Can you gift wrap my parcel?', tone: 'concise' });
    const before = await ask();
    expect(before.json().sources).toBeUndefined();
    expect((await ask()).headers['x-gateway-cache']).toBe('HIT');
    await t.app.inject({ method: 'POST', url: base, headers: admin, payload: { entries: [{ ...GIFT_WRAP, id: 'gift', question: 'Can you gift wrap my order?' }] } });
    const after = await ask();
    expect(after.headers['x-gateway-cache']).toBe('MISS');
    expect(after.json()).toMatchObject({ reply: GIFT_WRAP.answer, sources: ['gift'] });
    await t.app.inject({ method: 'DELETE', url: `${base}/gift`, headers: admin });
    expect((await ask()).json().sources).toBeUndefined();
  });

  it('never answers from an entry that shares only a word of its answer with the message (issue 18)', async () => {
    const lone = await createTenantWithKey(t, { name: 'One entry' });
    await t.app.inject({ method: 'POST', url: `/admin/tenants/${lone.tenantId}/knowledge-base`, headers: admin, payload: { entries: [REFUNDS] } });
    const ask = (message: string) => t.app.inject({ method: 'POST', url: '/v1/smart-response', headers: lone.auth, payload: { message } });
    // "order" is in the refund entry's answer only: the reply is not the refund answer.
    const where = (await ask('Where is my order?')).json();
    expect(where.sources).toBeUndefined();
    expect(where.reply_kind).not.toBe('knowledge_base');
    expect((await ask('How long does a refund take?')).json()).toMatchObject({ sources: ['faq-refund-time'], reply_kind: 'knowledge_base' });
  });

  it('keeps each tenant to its own entries', async () => {
    const other = await createTenantWithKey(t, { name: 'Other' });
    const res = await t.app.inject({ method: 'POST', url: '/v1/smart-response', headers: other.auth, payload: { message: 'How long does a refund take?' } });
    expect(res.json().sources).toBeUndefined();
  });
});

describe('knowledge base with an LLM provider', () => {
  let upstream: FakeOpenAi;
  let t: TestApp;
  let tenant: TenantWithKey;

  beforeAll(async () => {
    upstream = new FakeOpenAi();
    t = await startTestApp({
      env: { OPENAI_BASE_URL: await upstream.start(), OPENAI_API_KEY: 'sk-test-kb-0001' },
      file: { providers: { openai: { type: 'openai' } }, routing: { 'smart-response': ['openai', 'local'] }, cache: NO_CACHE },
    });
    tenant = await createTenantWithKey(t);
    await t.app.inject({ method: 'POST', url: `/admin/tenants/${tenant.tenantId}/knowledge-base`, headers: { authorization: `Bearer ${t.adminKey}` }, payload: { entries: [REFUNDS, GIFT_WRAP] } });
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  it('sends the retrieved entries as grounding and keeps only the sources it was given', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/smart-response', headers: tenant.auth, payload: { message: 'how long does my refund take' } });
    expect(res.json()).toMatchObject({ reply: 'Hello from the upstream model.', sources: ['faq-refund-time'], meta: { provider: 'openai' } });
    const system = (upstream.requests[0]!.body.messages as { content: string }[])[0]!.content;
    expect(system).toContain(JSON.stringify({ id: 'faq-refund-time', question: REFUNDS.question, answer: REFUNDS.answer }));
    expect(system).not.toContain('gift wrapping at checkout');
  });
});
