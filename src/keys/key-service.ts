import type {
  AdminRole,
  ApiKeyRecord,
  ApiKeyRepository,
  InvalidationBus,
  KeyMode,
  NewApiKey,
  Tenant,
  TenantRepository,
} from '../../repositories/types.js';
import { GatewayError } from '../errors.js';
import { TASKS, type TaskName } from '../tasks/index.js';
import type { EventBus } from '../events/event-bus.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import { TtlCache } from '../ttl-cache.js';
import { displayStart, generateKey, hashKey, parseKey, type KeyPrefix } from './api-key.js';

/** A key may call each task (its scope is the task's name) and these other tenant routes. */
const ROUTE_SCOPES = ['events', 'feedback', 'usage', 'webhooks'] as const;
export const TENANT_SCOPES = [...TASKS, ...ROUTE_SCOPES] as const;
export type TenantScope = TaskName | (typeof ROUTE_SCOPES)[number];

/** How long a key or tenant lookup is trusted before the store is asked again (bounds revocation delay). */
const LOOKUP_TTL_MS = 5_000;
/** last_used_at is a hint, not an audit trail: write it at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;

export interface IssuedKey {
  record: ApiKeyRecord;
  /** The key (bearer) or signing secret (signed), shown once. */
  secret: string;
}

export type Principal = { kind: 'tenant'; key: ApiKeyRecord; tenant: Tenant } | { kind: 'admin'; key: ApiKeyRecord };

export interface TenantKeySpec {
  name: string;
  mode: KeyMode;
  scopes: string[];
  expires_at: Date | null;
  ip_allow: string[];
}

export interface AdminKeySpec {
  name: string;
  role: AdminRole;
  expires_at?: Date | null;
  ip_allow?: string[];
}

export interface KeyServiceDeps {
  keys: ApiKeyRepository;
  tenants: TenantRepository;
  cipher: SecretCipher;
  bus: InvalidationBus;
  /** Key changes commit with their events (key.created, key.rotated, key.revoked). */
  events: Pick<EventBus, 'transaction'>;
  clock: () => Date;
  onBackgroundError: (err: unknown) => void;
}

interface SigningKey {
  record: ApiKeyRecord;
  secret: string;
}

/** What events say about a key: never its hash or secret. */
export function keyEventData(key: ApiKeyRecord): Record<string, unknown> {
  return { key_id: key.id, kind: key.kind, name: key.name, mode: key.mode, start: key.start, scopes: key.scopes, role: key.role };
}

export class KeyService {
  private readonly byHash = new TtlCache<ApiKeyRecord>({ max: 50_000, ttlMs: LOOKUP_TTL_MS });
  private readonly signingKeys = new TtlCache<SigningKey>({ max: 50_000, ttlMs: LOOKUP_TTL_MS });
  private readonly tenantCache = new TtlCache<Tenant>({ max: 10_000, ttlMs: LOOKUP_TTL_MS });
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly deps: KeyServiceDeps) {
    deps.bus.subscribe((m) => {
      if (m.kind === 'key') this.forgetKey(m.id);
      else if (m.kind === 'tenant') this.tenantCache.delete(m.id);
    });
  }

  async issueTenantKey(tenantId: string, spec: TenantKeySpec): Promise<IssuedKey> {
    return this.issue('gwk', { kind: 'tenant', tenant_id: tenantId, role: null, ...spec });
  }

  async issueAdminKey(spec: AdminKeySpec, secret?: string): Promise<IssuedKey> {
    const { expires_at = null, ip_allow = [], ...rest } = spec;
    return this.issue('gwa', { kind: 'admin', tenant_id: null, mode: 'bearer', scopes: [], expires_at, ip_allow, ...rest }, secret);
  }

  private async issue(
    prefix: KeyPrefix,
    spec: Omit<NewApiKey, 'hash' | 'start' | 'secret_ciphertext'>,
    given?: string,
  ): Promise<IssuedKey> {
    const { secret, hash, secretCiphertext } = await this.newSecret(prefix, spec.mode, given);
    const record = await this.deps.events.transaction(async (tx, emit) => {
      const created = await tx.keys.create({ ...spec, hash, start: displayStart(secret), secret_ciphertext: secretCiphertext });
      emit('key.created', created.tenant_id, keyEventData(created));
      return created;
    });
    return { record, secret };
  }

  private async newSecret(prefix: KeyPrefix, mode: KeyMode, given?: string): Promise<{ secret: string; hash: string; secretCiphertext: string | null }> {
    const secret = given ?? generateKey(prefix);
    const hash = hashKey(secret);
    // A signed key's secret must come back for HMAC checks, so it is encrypted (bound to its row by the hash).
    return { secret, hash, secretCiphertext: mode === 'signed' ? await this.deps.cipher.encrypt(secret, hash) : null };
  }

  /**
   * Issues a successor with the same attributes; the old key keeps working until now + overlap, then answers
   * 401 API_KEY_EXPIRED. Undefined when there is no such live key.
   */
  async rotate(id: string, overlapSeconds: number): Promise<{ previous: ApiKeyRecord; issued: IssuedKey } | undefined> {
    const old = await this.deps.keys.get(id);
    const now = this.deps.clock();
    if (!old || (old.revoked_at && old.revoked_at <= now)) return undefined;
    if (old.expires_at && old.expires_at <= now) return undefined;
    const { secret, hash, secretCiphertext } = await this.newSecret(old.kind === 'admin' ? 'gwa' : 'gwk', old.mode);
    // The successor, the old key's new expiry and the event are one change.
    const rotated = await this.deps.events.transaction(async (tx, emit) => {
      const successor = await tx.keys.create({
        kind: old.kind,
        tenant_id: old.tenant_id,
        name: old.name,
        mode: old.mode,
        scopes: old.scopes,
        role: old.role,
        expires_at: old.expires_at,
        ip_allow: old.ip_allow,
        hash,
        start: displayStart(secret),
        secret_ciphertext: secretCiphertext,
      });
      const previous = (await tx.keys.markReplaced(id, successor.id, new Date(now.getTime() + overlapSeconds * 1000)))!;
      emit('key.rotated', old.tenant_id, {
        ...keyEventData(successor),
        rotated_from: id,
        old_key_expires_at: previous.expires_at?.toISOString() ?? null,
      });
      return { previous, issued: { record: successor, secret } };
    });
    await this.announce({ kind: 'key', id });
    return rotated;
  }

  /**
   * Makes sure an admin can get in: the configured bootstrap key is registered (idempotently); with none
   * configured and no active admin key at all, a new one is generated and returned so the caller can show it once.
   */
  async ensureBootstrapAdminKey(configured: string | undefined): Promise<IssuedKey | undefined> {
    if (configured) {
      if (await this.deps.keys.findByHash(hashKey(configured))) return undefined;
      return this.issueAdminKey({ name: 'bootstrap', role: 'owner' }, configured);
    }
    if ((await this.deps.keys.countActiveAdminKeys(this.deps.clock())) > 0) return undefined;
    return this.issueAdminKey({ name: 'bootstrap', role: 'owner' });
  }

  /** Bearer authentication: format and checksum first (no store lookup for garbage), then the cached record. */
  async authenticateBearer(secret: string): Promise<Principal> {
    if (!parseKey(secret)) throw new GatewayError('API_KEY_INVALID');
    const hash = hashKey(secret);
    const key = await this.byHash.get(hash, () => this.deps.keys.findByHash(hash));
    if (!key) throw new GatewayError('API_KEY_INVALID');
    if (key.mode === 'signed') {
      throw new GatewayError('API_KEY_INVALID', 'This key signs its requests (GW-HMAC-1); it is not a bearer token.');
    }
    return this.principalFor(key);
  }

  /** GW-HMAC-1: the key named by `keyid`, with its signing secret. */
  async signingKey(keyId: string): Promise<{ principal: Principal; secret: string }> {
    const found = await this.signingKeys.get(keyId, () => this.loadSigningKey(keyId));
    if (!found) throw new GatewayError('API_KEY_INVALID', 'Unknown keyid.');
    return { principal: await this.principalFor(found.record), secret: found.secret };
  }

  private async loadSigningKey(keyId: string): Promise<SigningKey | undefined> {
    const record = await this.deps.keys.get(keyId);
    if (record?.mode !== 'signed') return undefined;
    const sealed = await this.deps.keys.signingSecret(keyId);
    if (!sealed) return undefined;
    return { record, secret: await this.deps.cipher.decrypt(sealed.ciphertext, sealed.hash) };
  }

  private async principalFor(key: ApiKeyRecord): Promise<Principal> {
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
    const revoked = await this.deps.events.transaction(async (tx, emit) => {
      const before = await tx.keys.get(id);
      const now = this.deps.clock();
      const activeOwner = before?.kind === 'admin' && before.role === 'owner' && !before.revoked_at && (!before.expires_at || before.expires_at > now);
      if (activeOwner && (await tx.keys.countActiveAdminKeys(now, 'owner')) <= 1) {
        throw new GatewayError('CONFLICT', 'This is the last active owner key: issue another owner key before revoking it.', {
          details: { reason: 'last_owner' },
        });
      }
      const after = await tx.keys.revoke(id, now);
      if (after && before?.revoked_at === null) emit('key.revoked', after.tenant_id, keyEventData(after));
      return after;
    });
    if (revoked) await this.announce({ kind: 'key', id });
    return revoked;
  }

  /** After a tenant changed (status, IP rules): every instance reloads it. */
  async tenantChanged(id: string): Promise<void> {
    await this.announce({ kind: 'tenant', id });
  }

  private async announce(message: { kind: 'key' | 'tenant'; id: string }): Promise<void> {
    if (message.kind === 'key') this.forgetKey(message.id);
    else this.tenantCache.delete(message.id);
    await this.deps.bus.publish(message);
  }

  private forgetKey(id: string): void {
    this.byHash.deleteWhere((k) => k.id === id);
    this.signingKeys.delete(id);
  }

  private touch(key: ApiKeyRecord, now: Date): void {
    const last = this.lastTouched.get(key.id) ?? key.last_used_at?.getTime() ?? 0;
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(key.id, now.getTime());
    this.deps.keys.touch(key.id, now).catch(this.deps.onBackgroundError);
  }
}
