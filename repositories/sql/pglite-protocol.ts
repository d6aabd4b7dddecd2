/** Messages between the PGlite worker thread and the connection that talks to it. `sql: null` closes the database. */
export interface WorkerRequest {
  id: number;
  sql: string | null;
  params?: unknown[];
}

/** id 0 is the ready (or failed-to-open) signal. */
export interface WorkerReply {
  id: number;
  rows?: unknown[];
  affectedRows?: number;
  fieldCount?: number;
  error?: { message: string; code?: string; detail?: string; severity?: string; constraint?: string };
}

/** What the Kysely dialect needs from PGlite, in process or on a worker thread. */
export interface PGliteLike {
  readonly waitReady: Promise<void>;
  query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number; fields: { length: number } }>;
  close(): Promise<void>;
}
