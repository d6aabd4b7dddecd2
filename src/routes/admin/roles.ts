import type { AdminRole } from '../../../repositories/types.js';

/** Who may do what on /admin. Every admin route picks one of these; a route without roles fails at boot. */
export const ROLES = {
  /** Reading tenants and their settings. */
  read: ['owner', 'operator', 'billing', 'auditor'],
  /** Changing tenants and tenant keys. */
  manage: ['owner', 'operator'],
  /** Reading keys (never the keys themselves). */
  readKeys: ['owner', 'operator', 'auditor'],
  /** Admin keys and anything that grants admin power. */
  owner: ['owner'],
  /** Usage exports and invoices. */
  billingRead: ['owner', 'billing', 'auditor'],
  /** The audit log. */
  audit: ['owner', 'auditor'],
  /** Admin keys, listed. */
  readAdminKeys: ['owner', 'auditor'],
} as const satisfies Record<string, readonly AdminRole[]>;
