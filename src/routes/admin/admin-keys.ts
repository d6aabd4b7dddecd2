import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, DateTime, PageQuery, closed, errorResponses, pageOf } from '../common-schemas.js';
import { AdminRoleSchema, ApiKey, IpRuleList, IssuedApiKey } from './admin-schemas.js';
import { checkIpEntries } from './ip-rules.js';
import { futureDate } from './keys.js';
import { ROLES } from './roles.js';

export function registerAdminKeyRoutes(app: App, deps: Deps): void {
  app.post(
    '/keys',
    {
      config: { roles: ROLES.owner, audit: 'key.created' },
      schema: {
        tags: ['admin'],
        summary: 'Issue an admin key with one role (owner, operator, billing, auditor). The key is in `secret`, shown once.',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            role: AdminRoleSchema,
            expires_at: Type.Optional(Type.Union([DateTime, Type.Null()])),
            ip_allow: Type.Optional(IpRuleList),
          },
          closed,
        ),
        response: { 201: IssuedApiKey, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      checkIpEntries('body.ip_allow', request.body.ip_allow ?? []);
      const issued = await deps.keys.issueAdminKey({
        name: request.body.name,
        role: request.body.role,
        expires_at: futureDate(request.body.expires_at, deps.clock(), 'body.expires_at'),
        ip_allow: request.body.ip_allow ?? [],
      });
      request.auditTarget = { type: 'key', id: issued.record.id, diff: { after: issued.record } };
      return reply.code(201).send({ ...issued.record, secret: issued.secret });
    },
  );

  app.get(
    '/keys',
    {
      config: { roles: ROLES.readAdminKeys },
      schema: {
        tags: ['admin'],
        summary: 'List admin keys (never the keys themselves).',
        security: [{ bearer: [] }],
        querystring: PageQuery,
        response: { 200: pageOf(ApiKey), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => deps.repos.keys.list({ kind: 'admin' }, { limit: request.query.limit ?? 50, cursor: request.query.cursor }),
  );
}
