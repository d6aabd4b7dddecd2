import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, DateTime, Nullable, PageQuery, Timestamp, closed, errorResponses, pageOf } from '../common-schemas.js';
import { ROLES } from './roles.js';

const Id = Type.String({ pattern: '^[a-z]{2,5}_[0-9a-z]{22}$' });
const Outcome = Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')]);

const AuditRecord = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Timestamp,
  actor_key_id: Nullable(Type.String()),
  actor_role: Nullable(Type.String()),
  action: Type.String(),
  target_type: Nullable(Type.String()),
  target_id: Nullable(Type.String()),
  tenant_id: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  outcome: Outcome,
  status: Nullable(Type.Integer()),
  diff: Nullable(Type.Record(Type.String(), Type.Unknown())),
  prev_hash: Type.String(),
  hash: Type.String(),
});

export function registerAuditRoutes(app: App, deps: Deps): void {
  app.get(
    '/audit',
    {
      config: { roles: ROLES.audit },
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first, filtered.',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            tenant_id: Type.Optional(Id),
            target_id: Type.Optional(Id),
            actor_key_id: Type.Optional(Id),
            action: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}\\.[a-z_]{1,40}$' })),
            outcome: Type.Optional(Outcome),
            from: Type.Optional(DateTime),
            to: Type.Optional(DateTime),
          },
          closed,
        ),
        response: { 200: pageOf(AuditRecord), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, from, to, ...filter } = request.query;
      return deps.repos.audit.list(
        { ...filter, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        { limit: limit ?? 50, cursor },
      );
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { roles: ROLES.audit },
      schema: {
        tags: ['admin'],
        summary: 'Walk the hash chain from the first row; `first_broken_seq` names the first row that does not add up.',
        security: [{ bearer: [] }],
        response: {
          200: Type.Object({ ok: Type.Boolean(), checked: Type.Integer(), first_broken_seq: Type.Optional(Type.Integer()) }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async () => deps.audit.verify(),
  );
}
