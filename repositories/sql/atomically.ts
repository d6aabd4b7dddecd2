import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Runs `work` in a transaction of its own, or in the caller's when the repository was built inside one. */
export function atomically<T>(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
