import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openSqlRepositories } from '../../repositories/sql/sql-repositories.js';
import type { Repositories } from '../../repositories/types.js';

export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the PostgreSQL suites can run; with CI=true a missing server is a failure, not a skip. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI but did not answer at ${POSTGRES_URL}`, { cause: err });
    return false;
  }
}

export interface TestDatabase {
  name: string;
  /** PostgreSQL only: the schema the suite works in. */
  schema?: string;
  open(): Promise<Repositories>;
  /** Drops what open() created. */
  cleanup(): Promise<void>;
}

export function pgliteDatabase(): TestDatabase {
  return { name: 'pglite', open: () => openSqlRepositories({}), cleanup: async () => undefined };
}

/** PGlite on its own thread, as the embedded store runs. */
export function pgliteThreadDatabase(): TestDatabase {
  return { name: 'pglite on a thread', open: () => openSqlRepositories({ thread: true }), cleanup: async () => undefined };
}

/** A PostgreSQL schema of its own, so suites can run beside each other on the shared server. */
export function postgresDatabase(): TestDatabase {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  return {
    name: 'postgres',
    schema,
    open: () => openSqlRepositories({ url: POSTGRES_URL, schema, maxConnections: 4 }),
    async cleanup() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}
