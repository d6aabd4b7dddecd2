import { Type } from 'typebox';
import type { ApiKeyRecord } from '../../../repositories/types.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { TENANT_SCOPES } from '../../keys/key-service.js';
import { AUTH_ERRORS, DateTime, IdParams, PageQuery, closed, errorResponses, pageOf } from '../common-schemas.js';
import { ApiKey, IpRuleList, IssuedApiKey, Scope } from './admin-schemas.js';
import { checkIpEntries } from './ip-rules.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const MAX_OVERLAP_SECONDS = 604_800;
const KeyOfTenantParams = Type.Object(
  { id: IdParams.properties.id, key_id: IdParams.properties.id },
  closed,
);

export function futureDate(value: string | null | undefined, now: Date, field: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  if (date <= now) {
    throw new GatewayError('VALIDATION_FAILED', `${field} must be in the future.`, {
      details: { issues: [{ field, message: 'must be in the future' }] },
    });
  }
  return date;
}

/** What key events say about a key: never its secret or hash. */
/** Admin keys can only be touched by owners; tenant keys by whoever the route admits. */
function requireOwnerFor(key: ApiKeyRecord, role: string | null | undefined): void {
  if (key.kind === 'admin' && role !== 'owner') throw new GatewayError('FORBIDDEN', 'Only owners may change admin keys.');
}

export function registerKeyRoutes(app: App, deps: Deps): void {
  app.post(
    '/tenants/:id/keys',
    {
      config: { roles: ROLES.manage, audit: 'key.created' },
      schema: {
        tags: ['admin'],
        summary:
          'Issue a tenant key. Bearer: `secret` is the key. Signed (GW-HMAC-1): `id` is the keyid and `secret` the signing secret. Shown once.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            mode: Type.Optional(Type.Union([Type.Literal('bearer'), Type.Literal('signed')], { default: 'bearer' })),
            scopes: Type.Optional(Type.Array(Scope, { minItems: 1, uniqueItems: true, description: 'absent = every scope; a key always has at least one' })),
            expires_at: Type.Optional(Type.Union([DateTime, Type.Null()])),
            ip_allow: Type.Optional(IpRuleList),
          },
          closed,
        ),
        response: { 201: IssuedApiKey, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      checkIpEntries('body.ip_allow', request.body.ip_allow ?? []);
      const issued = await deps.keys.issueTenantKey(tenant.id, {
        name: request.body.name,
        mode: request.body.mode ?? 'bearer',
        scopes: request.body.scopes ?? [...TENANT_SCOPES],
        expires_at: futureDate(request.body.expires_at, deps.clock(), 'body.expires_at'),
        ip_allow: request.body.ip_allow ?? [],
      });
      request.auditTarget = { type: 'key', id: issued.record.id, tenant_id: tenant.id, diff: { after: issued.record } };
      return reply.code(201).send({ ...issued.record, secret: issued.secret });
    },
  );

  app.get(
    '/tenants/:id/keys',
    {
      config: { roles: ROLES.readKeys },
      schema: {
        tags: ['admin'],
        summary: "List a tenant's keys (never the keys themselves).",
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(ApiKey), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      await requireTenant(deps.repos.tenants, request.params.id);
      return deps.repos.keys.list({ kind: 'tenant', tenant_id: request.params.id }, { limit: request.query.limit ?? 50, cursor: request.query.cursor });
    },
  );

  app.get(
    '/tenants/:id/keys/:key_id',
    {
      config: { roles: ROLES.readKeys },
      schema: {
        tags: ['admin'],
        summary: "Get one of a tenant's keys; another tenant's key is 404 here.",
        security: [{ bearer: [] }],
        params: KeyOfTenantParams,
        response: { 200: ApiKey, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const key = await deps.repos.keys.get(request.params.key_id);
      if (!key || key.tenant_id !== request.params.id) throw new GatewayError('NOT_FOUND', 'Key not found.');
      return key;
    },
  );

  app.post(
    '/keys/:id/rotate',
    {
      config: { roles: ROLES.manage, audit: 'key.rotated' },
      schema: {
        tags: ['admin'],
        summary:
          'Rotate a key: a successor is issued (secret shown once) and the old key keeps working for `overlap_seconds`, then answers 401 API_KEY_EXPIRED.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { overlap_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OVERLAP_SECONDS, default: 86_400 })) },
            closed,
          ),
        ),
        response: {
          201: Type.Object({ ...IssuedApiKey.properties, rotated_from: ApiKey }),
          ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const existing = await deps.repos.keys.get(request.params.id);
      if (!existing) throw new GatewayError('NOT_FOUND', 'Key not found.');
      requireOwnerFor(existing, request.principal?.key.role);
      const rotated = await deps.keys.rotate(existing.id, request.body?.overlap_seconds ?? 86_400);
      if (!rotated) throw new GatewayError('NOT_FOUND', 'Key not found, revoked or expired.');
      request.auditTarget = {
        type: 'key',
        id: existing.id,
        tenant_id: existing.tenant_id,
        diff: { before: existing, after: rotated.previous, successor: rotated.issued.record },
      };
      return reply.code(201).send({ ...rotated.issued.record, secret: rotated.issued.secret, rotated_from: rotated.previous });
    },
  );

  app.delete(
    '/keys/:id',
    {
      config: { roles: ROLES.manage, audit: 'key.revoked' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key (tenant or admin) at once; every instance refuses it within seconds (401 API_KEY_REVOKED).',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: ApiKey, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND', 'CONFLICT') },
      },
    },
    async (request) => {
      const existing = await deps.repos.keys.get(request.params.id);
      if (!existing) throw new GatewayError('NOT_FOUND', 'Key not found.');
      requireOwnerFor(existing, request.principal?.key.role);
      const key = await deps.keys.revoke(existing.id);
      if (!key) throw new GatewayError('NOT_FOUND', 'Key not found.');
      request.auditTarget = { type: 'key', id: key.id, tenant_id: key.tenant_id, diff: { before: existing, after: key } };
      return key;
    },
  );
}
