import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../src/errors.js';
import type { KeyService, Principal, TenantScope } from '../src/keys/key-service.js';
import type { ApiKeyRecord, Tenant } from '../repositories/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The tenant-key scope a /v1 route needs; absent = any tenant key. */
    scope?: TenantScope;
  }
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new GatewayError('API_KEY_MISSING');
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match) throw new GatewayError('API_KEY_INVALID', 'The Authorization header must be "Bearer <key>".');
  return match[1]!;
}

/** onRequest hook for /v1: a tenant key with the route's scope. Runs before the body is read. */
export function tenantAuth(keys: KeyService) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await keys.authenticate(bearer(request));
    if (principal.kind !== 'tenant') throw new GatewayError('FORBIDDEN', 'Admin keys cannot call the tenant API.');
    const scope = request.routeOptions.config.scope;
    if (scope && principal.key.scopes.length > 0 && !principal.key.scopes.includes(scope)) {
      throw new GatewayError('FORBIDDEN', `This key lacks the "${scope}" scope.`, { details: { scope } });
    }
    request.principal = principal;
  };
}

/** onRequest hook for /admin: an admin key. Roles arrive with the key-management issue. */
export function adminAuth(keys: KeyService) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await keys.authenticate(bearer(request));
    if (principal.kind !== 'admin') throw new GatewayError('FORBIDDEN', 'Tenant keys cannot call the admin API.');
    request.principal = principal;
  };
}

/** The tenant behind a /v1 request (set by tenantAuth). */
export function tenantOf(request: FastifyRequest): { tenant: Tenant; key: ApiKeyRecord } {
  const p = request.principal;
  if (p?.kind !== 'tenant') throw new GatewayError('FORBIDDEN');
  return { tenant: p.tenant, key: p.key };
}
