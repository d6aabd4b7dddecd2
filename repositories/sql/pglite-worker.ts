// Runs PGlite on a worker thread: its WASM (every insert, index update and file write) then never blocks the event
// loop that serves requests. Messages: { id, sql, params } → { id, rows, affectedRows, fieldCount } | { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { WorkerReply, WorkerRequest } from './pglite-protocol.js';

const port = parentPort!;
const dataDir = (workerData as { dataDir?: string }).dataDir;
const lite = dataDir ? new PGlite(dataDir) : new PGlite();
const post = (reply: WorkerReply) => port.postMessage(reply);

/** Errors cross the thread boundary as plain data; PostgreSQL's fields (code, detail…) are kept for diagnosis. */
function plainError(err: unknown): NonNullable<WorkerReply['error']> {
  const e = err as Record<string, unknown>;
  const pick = (k: string) => (typeof e[k] === 'string' ? { [k]: e[k] as string } : {});
  return { message: err instanceof Error ? err.message : String(err), ...pick('code'), ...pick('detail'), ...pick('severity'), ...pick('constraint') };
}

lite.waitReady.then(
  () => post({ id: 0 }),
  (err: unknown) => post({ id: 0, error: plainError(err) }),
);

port.on('message', (msg: WorkerRequest) => {
  if (msg.sql === null) {
    void lite.close().finally(() => post({ id: msg.id }));
    return;
  }
  lite.query(msg.sql, msg.params).then(
    (r) => post({ id: msg.id, rows: r.rows, ...(r.affectedRows !== undefined ? { affectedRows: r.affectedRows } : {}), fieldCount: r.fields.length }),
    (err: unknown) => post({ id: msg.id, error: plainError(err) }),
  );
});
