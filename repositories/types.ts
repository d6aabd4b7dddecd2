/** Storage interfaces. The SQL implementation (PGlite or PostgreSQL) is chosen once in deps.ts. */

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  /** null = every configured provider. */
  allowed_providers: string[] | null;
  metadata: Record<string, string>;
  created_at: Date;
}

export interface NewTenant {
  name: string;
  allowed_providers?: string[] | null;
  metadata?: Record<string, string>;
}

export type TenantPatch = Partial<Pick<Tenant, 'name' | 'status' | 'allowed_providers' | 'metadata'>>;

export interface TenantRepository {
  create(tenant: NewTenant): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  list(page: PageRequest): Promise<Page<Tenant>>;
  update(id: string, patch: TenantPatch): Promise<Tenant | undefined>;
}

export type KeyKind = 'tenant' | 'admin';
export type KeyMode = 'bearer' | 'signed';
export type AdminRole = 'owner' | 'operator' | 'billing' | 'auditor';

export interface ApiKeyRecord {
  id: string;
  kind: KeyKind;
  tenant_id: string | null;
  name: string;
  mode: KeyMode;
  scopes: string[];
  role: AdminRole | null;
  /** First 12 characters of the key, safe to display. */
  start: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export type NewApiKey = Omit<ApiKeyRecord, 'id' | 'created_at' | 'revoked_at' | 'last_used_at'> & {
  /** SHA-256 of the full key, hex. The key itself is never stored. */
  hash: string;
};

export interface ApiKeyRepository {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(filter: { kind: KeyKind; tenant_id?: string }, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  countActiveAdminKeys(now: Date): Promise<number>;
  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  touch(id: string, at: Date): Promise<void>;
}

export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'rating'] as const;
export type InteractionType = (typeof EVENT_TYPES)[number];

export interface Interaction {
  id: string;
  type: InteractionType;
  user_id: string;
  item_id: string;
  value: number | null;
  occurred_at: Date;
}

export interface CatalogItem {
  item_id: string;
  title: string | null;
  category: string | null;
  attributes: Record<string, unknown>;
}

export interface ScoredItem {
  item_id: string;
  score: number;
}

export interface RecommendationQuery {
  tenant_id: string;
  limit: number;
  /** Never return these items. */
  exclude: string[];
  category?: string | undefined;
}

export interface InteractionRepository {
  /** Idempotent on (tenant, event id): a repeated id counts as a duplicate, not an error. */
  addEvents(tenantId: string, events: Interaction[]): Promise<{ accepted: number; duplicates: number }>;
  upsertItems(tenantId: string, items: CatalogItem[]): Promise<number>;
  /** Items the user interacted with, most recent first. */
  userItems(tenantId: string, userId: string, limit: number): Promise<string[]>;
  /** Items that the same users interacted with, weighted by event type and normalised by popularity. */
  coOccurring(seedItems: string[], query: RecommendationQuery): Promise<ScoredItem[]>;
  popular(query: RecommendationQuery): Promise<ScoredItem[]>;
}

export interface Feedback {
  request_id: string;
  correct: string | null;
  rating: number | null;
}

export interface FeedbackRepository {
  add(tenantId: string, feedback: Feedback): Promise<void>;
  listForRequest(tenantId: string, requestId: string): Promise<Feedback[]>;
}

export interface Repositories {
  tenants: TenantRepository;
  keys: ApiKeyRepository;
  interactions: InteractionRepository;
  feedback: FeedbackRepository;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
