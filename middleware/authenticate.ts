import type { Logger as PinoLogger } from 'pino';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminRole, ApiKeyRecord, NonceStore, Tenant } from '../repositories/types.js';
import { GatewayError } from '../src/errors.js';
import type { KeyService, Principal, TenantScope } from '../src/keys/key-service.js';
import { NO_RULES, compiledFor, hasRules, isAllowed, parseAddress } from './ip-rules.js';
import { readRawBody, replayBody } from './raw-body.js';
import { beginSignedRequest, completeSignedRequest, isSignedRequest } from './signed-request.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The tenant-key scope a /v1 route needs; absent = any tenant key. */
    scope?: TenantScope;
    /** The admin roles an /admin route accepts; every admin route must declare them. */
    roles?: readonly AdminRole[];
  }
}

export interface AuthDeps {
  keys: KeyService;
  nonces: NonceStore;
  clock: () => Date;
  /** The most body bytes a signed request's digest is computed over (the server's body limit). */
  bodyLimitBytes: number;
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new GatewayError('API_KEY_MISSING');
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match) throw new GatewayError('API_KEY_INVALID', 'The Authorization header must be "Bearer <key>".');
  return match[1]!;
}

/** Tenant rules, then the key's own allowlist (global rules ran first, in the app-wide hook). */
function checkPrincipalIp(request: FastifyRequest, principal: Principal): void {
  const tenantRules = principal.kind === 'tenant' ? compiledFor(principal.tenant, principal.tenant.ip_rules) : NO_RULES;
  const keyRules = principal.key.ip_allow.length > 0 ? compiledFor(principal.key, { allow: principal.key.ip_allow, deny: [] }) : NO_RULES;
  if (!hasRules(tenantRules) && !hasRules(keyRules)) return;
  const address = parseAddress(request.ip);
  if (!isAllowed(address, tenantRules) || !isAllowed(address, keyRules)) throw new GatewayError('IP_NOT_ALLOWED');
}

/** What every tenant principal must pass, however it authenticated: a tenant key, the IP rules, the route's scope. */
function admitTenant(request: FastifyRequest, principal: Principal): void {
  if (principal.kind !== 'tenant') throw new GatewayError('FORBIDDEN', 'Admin keys cannot call the tenant API.');
  // Every later line about this request, "request completed" included, names the tenant and key. The request's
  // logger is its own pino child already: adding to its bindings spares a second child per request.
  (request.log as PinoLogger).setBindings({ tenant: principal.tenant.id, key_id: principal.key.id });
  checkPrincipalIp(request, principal);
  const scope = request.routeOptions.config.scope;
  // Fails closed: a key without the route's scope (an empty list included) may not call it.
  if (scope && !principal.key.scopes.includes(scope)) {
    throw new GatewayError('FORBIDDEN', `This key lacks the "${scope}" scope.`, { details: { scope } });
  }
  request.principal = principal;
}

const signed = (request: FastifyRequest) => !request.headers.authorization && isSignedRequest(request);

/** onRequest hook for /v1: a bearer tenant key, before the body is read. Signed requests are left to `signedAuth`. */
export function tenantAuth(deps: Pick<AuthDeps, 'keys'>) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!signed(request)) admitTenant(request, await deps.keys.authenticateBearer(bearer(request)));
  };
}

/**
 * preParsing hook for /v1: the whole GW-HMAC-1 check of a signed request in one step. The checks that need no body
 * (headers, key, time window, then the key's IP rules and scope) come first, so a forgery costs no body read; then
 * the body is read once, its digest and HMAC checked and the nonce spent, and the parser gets the same bytes.
 */
export function signedAuth(deps: AuthDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> => {
    if (!signed(request)) return payload;
    const { principal, pending } = await beginSignedRequest(request, deps.keys, Math.floor(deps.clock().getTime() / 1000));
    admitTenant(request, principal);
    const body = await readRawBody(request, payload, deps.bodyLimitBytes);
    await completeSignedRequest(pending, body, deps.nonces);
    return replayBody(body);
  };
}

/** onRequest hook for /admin: an admin key whose role the route accepts. */
export function adminAuth(deps: Pick<AuthDeps, 'keys'>) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await deps.keys.authenticateBearer(bearer(request));
    if (principal.kind !== 'admin') throw new GatewayError('FORBIDDEN', 'Tenant keys cannot call the admin API.');
    checkPrincipalIp(request, principal);
    request.principal = principal;
    const roles = request.routeOptions.config.roles ?? [];
    if (!principal.key.role || !roles.includes(principal.key.role)) {
      throw new GatewayError('FORBIDDEN', `The ${principal.key.role ?? 'unknown'} role may not do this.`, {
        details: { role: principal.key.role, allowed_roles: roles },
      });
    }
  };
}

/** The tenant behind a /v1 request (set by tenantAuth). */
export function tenantOf(request: FastifyRequest): { tenant: Tenant; key: ApiKeyRecord } {
  const p = request.principal;
  if (p?.kind !== 'tenant') throw new GatewayError('FORBIDDEN');
  return { tenant: p.tenant, key: p.key };
}
