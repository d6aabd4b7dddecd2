// Tenants and keys the benches create through the admin API.
import { UNREACHABLE_QUOTA } from './processes.js';

/** A signed key on a tenant with a rate limit and hard quotas far above what the bench sends (a new tenant if none given). */
export async function signedQuotaKey(base: string, admin: Record<string, string>, tenantId?: string): Promise<{ id: string; secret: string }> {
  const post = async (path: string, body: unknown, method = 'POST') =>
    (await (await fetch(`${base}${path}`, { method, headers: admin, body: JSON.stringify(body) })).json()) as { id: string; secret: string };
  const id = tenantId ?? (await post('/admin/tenants', { name: 'bench-signed-quota' })).id;
  if (!tenantId) {
    await post(`/admin/tenants/${id}/quota`, UNREACHABLE_QUOTA, 'PUT');
  }
  return post(`/admin/tenants/${id}/keys`, { name: 'bench-signed', mode: 'signed' });
}

export async function bearerAuth(base: string, admin: Record<string, string>): Promise<{ authorization: string }> {
  const post = async (path: string, body: unknown) =>
    (await (await fetch(`${base}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as { id: string; secret: string };
  const tenant = await post('/admin/tenants', { name: 'bench-bearer' });
  return { authorization: `Bearer ${(await post(`/admin/tenants/${tenant.id}/keys`, { name: 'bench' })).secret}` };
}
