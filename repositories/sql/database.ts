import { mkdirSync } from 'node:fs';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteThread } from './pglite-thread.js';
import { freshInMemoryPGlite } from './pglite-template.js';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; absent = in memory (tests). */
  dataDir?: string | undefined;
  /**
   * Run PGlite on its own thread, so its WASM never blocks request handling. Default: yes for a data directory (the
   * embedded store), no for in-memory databases (tests, where a thread per database only adds start-up time).
   */
  thread?: boolean;
  /** PostgreSQL schema to work in (tests isolate themselves this way); created when missing. */
  schema?: string | undefined;
  maxConnections?: number;
}

export interface SqlDatabase {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema.replaceAll('"', '')}"`);
  } finally {
    await client.end();
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<SqlDatabase> {
  if (options.url) {
    if (options.schema) await ensureSchema(options.url, options.schema);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 5_000,
      ...(options.schema ? { options: `-c search_path="${options.schema.replaceAll('"', '')}"` } : {}),
    });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const lite = options.thread ?? options.dataDir !== undefined ? new PGliteThread(options.dataDir) : await freshInMemoryPGlite();
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(lite) }), kind: 'pglite' };
}

/** Brings the schema up to date; runs at every boot, and is a no-op when nothing is new. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema: name ours, or another schema's tables are taken for ours.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: rows[0]!.schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
