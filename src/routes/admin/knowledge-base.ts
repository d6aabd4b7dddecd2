import { Type } from 'typebox';
import { decodeCursor, encodeCursor } from '../../../repositories/paging.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, PageQuery, Timestamp, Nullable, closed, errorResponses, pageOf } from '../common-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const ENTRY_ID = '^[A-Za-z0-9_.:-]{1,128}$';
const ENTRY_ID_PATTERN = new RegExp(ENTRY_ID);
const Language = Type.String({ pattern: '^[a-z]{2}$', description: 'ISO 639-1; leave out for an entry that answers in any language.' });

const EntryInput = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: ENTRY_ID, description: 'Your id for the entry; posting the same id again replaces it. Generated when absent.' })),
    question: Type.String({ minLength: 1, maxLength: 2_000 }),
    answer: Type.String({ minLength: 1, maxLength: 10_000, description: 'May hold `{placeholders}` filled from a smart-response request\'s `context`.' }),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
    language: Type.Optional(Language),
  },
  closed,
);

const Entry = Type.Object({
  id: Type.String(),
  question: Type.String(),
  answer: Type.String(),
  tags: Type.Array(Type.String()),
  language: Nullable(Type.String()),
  created_at: Timestamp,
});

const EntryParams = Type.Object({ id: IdParams.properties.id, entryId: Type.String({ pattern: ENTRY_ID }) }, closed);

async function requireEntry(deps: Deps, tenantId: string, entryId: string) {
  const tenant = await requireTenant(deps.repos.tenants, tenantId);
  const entry = await deps.knowledge.get(tenant.id, entryId);
  if (!entry) throw new GatewayError('NOT_FOUND', 'Knowledge-base entry not found.');
  return { tenant, entry };
}

export function registerKnowledgeBaseRoutes(app: App, deps: Deps): void {
  app.post(
    '/tenants/:id/knowledge-base',
    {
      config: { roles: ROLES.manage, audit: 'knowledge.entries_added' },
      schema: {
        tags: ['models'],
        summary: "Add or replace entries of the tenant's knowledge base; smart replies answer from them and name them in `sources`.",
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({ entries: Type.Array(EntryInput, { minItems: 1, maxItems: 500 }) }, closed),
        response: { 201: Type.Object({ created: Type.Integer(), ids: Type.Array(Type.String()) }), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND', 'PAYLOAD_TOO_LARGE') },
      },
    },
    async (request, reply) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      const ids = await deps.knowledge.add(tenant.id, request.body.entries);
      request.auditTarget = { type: 'knowledge_base', id: tenant.id, tenant_id: tenant.id, diff: { ids } };
      return reply.code(201).send({ created: ids.length, ids });
    },
  );

  app.get(
    '/tenants/:id/knowledge-base',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['models'],
        summary: "The tenant's knowledge-base entries, in id order.",
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(Entry), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      const limit = request.query.limit ?? 50;
      const after = decodeCursor(request.query.cursor, ENTRY_ID_PATTERN);
      const rows = await deps.knowledge.list(tenant.id, { limit: limit + 1, after });
      const data = rows.slice(0, limit);
      return { data, next_cursor: rows.length > limit ? encodeCursor(data[data.length - 1]!.id) : null };
    },
  );

  app.get(
    '/tenants/:id/knowledge-base/:entryId',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['models'],
        summary: 'One knowledge-base entry.',
        security: [{ bearer: [] }],
        params: EntryParams,
        response: { 200: Entry, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => (await requireEntry(deps, request.params.id, request.params.entryId)).entry,
  );

  app.delete(
    '/tenants/:id/knowledge-base/:entryId',
    {
      config: { roles: ROLES.manage, audit: 'knowledge.entry_deleted' },
      schema: {
        tags: ['models'],
        summary: 'Delete one knowledge-base entry (answered with the entry as it was); smart replies stop citing it at once.',
        security: [{ bearer: [] }],
        params: EntryParams,
        response: { 200: Entry, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const { tenant, entry } = await requireEntry(deps, request.params.id, request.params.entryId);
      if (!(await deps.knowledge.remove(tenant.id, entry.id))) throw new GatewayError('NOT_FOUND', 'Knowledge-base entry not found.');
      request.auditTarget = { type: 'knowledge_base', id: entry.id, tenant_id: tenant.id };
      return entry;
    },
  );
}
