import type { Page, PageRequest } from './page.js';

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  /** null = every configured provider. */
  allowed_providers: string[] | null;
  metadata: Record<string, string>;
  /** Addresses and CIDRs; deny wins, then a non-empty allow list must match. */
  ip_rules: IpRules;
  /** Limits per period; an absent entry is no limit. */
  quota: TenantQuota;
  /** Billing plan name from the config's `plans`; null = pay as you go. */
  plan: string | null;
  created_at: Date;
}

export const QUOTA_NAMES = ['requests_per_minute', 'requests_per_day', 'requests_per_month', 'tokens_per_month', 'cost_micros_per_month', 'events_per_minute'] as const;
/** Quotas enforced as sliding-window rates (rate-limit store), not as period counters. */
export const RATE_QUOTAS = ['requests_per_minute', 'events_per_minute'] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];
export type TenantQuota = Partial<Record<QuotaName, number>>;

export interface IpRules {
  allow: string[];
  deny: string[];
}

export interface NewTenant {
  name: string;
  plan?: string | null;
  allowed_providers?: string[] | null;
  metadata?: Record<string, string>;
}

export type TenantPatch = Partial<Pick<Tenant, 'name' | 'status' | 'allowed_providers' | 'metadata' | 'ip_rules' | 'quota' | 'plan'>>;

export interface TenantRepository {
  create(tenant: NewTenant): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  list(page: PageRequest): Promise<Page<Tenant>>;
  update(id: string, patch: TenantPatch): Promise<Tenant | undefined>;
}
