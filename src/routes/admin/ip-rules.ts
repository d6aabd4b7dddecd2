import { isValidRange } from '../../../middleware/ip-rules.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, errorResponses } from '../common-schemas.js';
import { IpRules, Tenant } from './admin-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

/** 400 naming every entry that is not an address or CIDR. */
export function checkIpEntries(field: string, entries: readonly string[]): void {
  const bad = entries.filter((e) => !isValidRange(e));
  if (bad.length > 0) {
    throw new GatewayError('VALIDATION_FAILED', `${field}: not an IP address or CIDR: ${bad.slice(0, 5).join(', ')}`, {
      details: { issues: bad.slice(0, 10).map((e) => ({ field, message: `"${e}" is not an IP address or CIDR` })) },
    });
  }
}

export function registerIpRuleRoutes(app: App, deps: Deps): void {
  app.put(
    '/tenants/:id/ip-rules',
    {
      config: { roles: ROLES.manage, audit: 'tenant.ip_rules_updated' },
      schema: {
        tags: ['admin'],
        summary: "Replace a tenant's IP rules. Deny first, then allow if non-empty; checked after the gateway-wide rules.",
        security: [{ bearer: [] }],
        params: IdParams,
        body: IpRules,
        response: { 200: Tenant, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      checkIpEntries('body.allow', request.body.allow);
      checkIpEntries('body.deny', request.body.deny);
      const before = await requireTenant(deps.repos.tenants, request.params.id);
      const tenant = await deps.repos.tenants.update(before.id, { ip_rules: request.body });
      if (!tenant) throw new GatewayError('NOT_FOUND', 'Tenant not found.');
      await deps.keys.tenantChanged(tenant.id);
      request.auditTarget = { type: 'tenant', id: tenant.id, tenant_id: tenant.id, diff: { before: before.ip_rules, after: tenant.ip_rules } };
      return tenant;
    },
  );
}
