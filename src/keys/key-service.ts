import type { AdminRole, ApiKeyRecord, ApiKeyRepository, KeyMode, Tenant, TenantRepository } from '../../repositories/types.js';
import { GatewayError } from '../errors.js';
import { TtlCache } from '../ttl-cache.js';
import { displayStart, generateKey, hashKey, parseKey, type KeyPrefix } from './api-key.js';

export const TENANT_SCOPES = ['sentiment', 'categorize', 'smart-response', 'recommendations', 'events', 'usage', 'webhooks'] as const;
export type TenantScope = (typeof TENANT_SCOPES)[number];

/** How long a key or tenant lookup is trusted before the store is asked again (bounds revocation delay). */
const LOOKUP_TTL_MS = 5_000;
/** last_used_at is a hint, not an audit trail: write it at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;

export interface IssuedKey {
  record: ApiKeyRecord;
  /** The key itself, shown once. */
  secret: string;
}

export type Principal = { kind: 'tenant'; key: ApiKeyRecord; tenant: Tenant } | { kind: 'admin'; key: ApiKeyRecord };

export interface KeyServiceDeps {
  keys: ApiKeyRepository;
  tenants: TenantRepository;
  clock: () => Date;
  onBackgroundError: (err: unknown) => void;
}

export class KeyService {
  private readonly keyCache = new TtlCache<ApiKeyRecord>({ max: 50_000, ttlMs: LOOKUP_TTL_MS });
  private readonly tenantCache = new TtlCache<Tenant>({ max: 10_000, ttlMs: LOOKUP_TTL_MS });
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly deps: KeyServiceDeps) {}

  async issueTenantKey(
    tenantId: string,
    spec: { name: string; mode: KeyMode; scopes: string[]; expires_at: Date | null },
  ): Promise<IssuedKey> {
    return this.issue('gwk', { kind: 'tenant', tenant_id: tenantId, role: null, ...spec });
  }

  async issueAdminKey(spec: { name: string; role: AdminRole }, secret?: string): Promise<IssuedKey> {
    return this.issue('gwa', { kind: 'admin', tenant_id: null, mode: 'bearer', scopes: [], expires_at: null, ...spec }, secret);
  }

  private async issue(
    prefix: KeyPrefix,
    spec: Omit<Parameters<ApiKeyRepository['create']>[0], 'hash' | 'start'>,
    given?: string,
  ): Promise<IssuedKey> {
    const secret = given ?? generateKey(prefix);
    const record = await this.deps.keys.create({ ...spec, hash: hashKey(secret), start: displayStart(secret) });
    return { record, secret };
  }

  /**
   * Makes sure an admin can get in: the configured bootstrap key is registered (idempotently); with none
   * configured and no active admin key at all, a new one is generated and returned so the caller can show it once.
   */
  async ensureBootstrapAdminKey(configured: string | undefined): Promise<string | undefined> {
    if (configured) {
      if (!(await this.deps.keys.findByHash(hashKey(configured)))) {
        await this.issueAdminKey({ name: 'bootstrap', role: 'owner' }, configured);
      }
      return undefined;
    }
    if ((await this.deps.keys.countActiveAdminKeys(this.deps.clock())) > 0) return undefined;
    return (await this.issueAdminKey({ name: 'bootstrap', role: 'owner' })).secret;
  }

  /** Bearer authentication: format and checksum first (no store lookup for garbage), then the cached record. */
  async authenticate(secret: string): Promise<Principal> {
    const parsed = parseKey(secret);
    if (!parsed) throw new GatewayError('API_KEY_INVALID');
    const hash = hashKey(secret);
    const key = await this.keyCache.get(hash, () => this.deps.keys.findByHash(hash));
    if (!key) throw new GatewayError('API_KEY_INVALID');
    const now = this.deps.clock();
    if (key.revoked_at && key.revoked_at <= now) throw new GatewayError('API_KEY_REVOKED');
    if (key.expires_at && key.expires_at <= now) throw new GatewayError('API_KEY_EXPIRED');
    this.touch(key, now);
    if (key.kind === 'admin') return { kind: 'admin', key };
    const tenant = await this.tenant(key.tenant_id!);
    if (!tenant) throw new GatewayError('API_KEY_INVALID');
    if (tenant.status !== 'active') throw new GatewayError('FORBIDDEN', 'This tenant is suspended.');
    return { kind: 'tenant', key, tenant };
  }

  async tenant(id: string): Promise<Tenant | undefined> {
    return this.tenantCache.get(id, () => this.deps.tenants.get(id));
  }

  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const revoked = await this.deps.keys.revoke(id, this.deps.clock());
    this.keyCache.deleteWhere((k) => k.id === id);
    return revoked;
  }

  forgetTenant(id: string): void {
    this.tenantCache.delete(id);
  }

  private touch(key: ApiKeyRecord, now: Date): void {
    const last = this.lastTouched.get(key.id) ?? key.last_used_at?.getTime() ?? 0;
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(key.id, now.getTime());
    this.deps.keys.touch(key.id, now).catch(this.deps.onBackgroundError);
  }
}
