/** Storage interfaces, one file per aggregate under types/. The SQL implementation (PGlite or PostgreSQL) is chosen once in deps.ts. */
export * from './types/page.js';
export * from './types/tenants.js';
export * from './types/keys.js';
export * from './types/interactions.js';
export * from './types/knowledge.js';
export * from './types/taxonomies.js';
export * from './types/audit.js';
export * from './types/usage.js';
export * from './types/invoices.js';
export * from './types/webhooks.js';
export * from './types/repositories.js';
export * from './types/hot-state.js';
