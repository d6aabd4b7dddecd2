import type { AuditLog } from './audit/audit-log.js';
import type { KeyService } from './keys/key-service.js';

/**
 * The first admin key: the configured one (GATEWAY_ADMIN_KEY) is stored if new; with none configured and no active
 * admin key, one is generated and its secret handed back once. Either creation is audited as the system's.
 */
export async function ensureBootstrapAdminKey(keys: KeyService, audit: AuditLog, configured: string | undefined): Promise<string | undefined> {
  const bootstrap = await keys.ensureBootstrapAdminKey(configured);
  if (!bootstrap) return undefined;
  await audit.record({
    actor_key_id: null,
    actor_role: 'system',
    action: 'key.created',
    target_type: 'key',
    target_id: bootstrap.record.id,
    tenant_id: null,
    request_id: null,
    ip: null,
    outcome: 'success',
    status: null,
    diff: { after: bootstrap.record },
  });
  return configured ? undefined : bootstrap.secret;
}
