import type { Tenant, TenantRepository } from '../../../repositories/types.js';
import { GatewayError } from '../../errors.js';

/** The tenant, or 404 NOT_FOUND. */
export async function requireTenant(tenants: TenantRepository, id: string): Promise<Tenant> {
  const tenant = await tenants.get(id);
  if (!tenant) throw new GatewayError('NOT_FOUND', 'Tenant not found.');
  return tenant;
}
