import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';

/** How long connections accepted before the stop get to have their first bytes read (in event-loop time). */
export const STOP_LINGER_MS = 250;

/** A timer then an immediate: at least one whole poll phase (where libuv accepts and reads) runs in between. */
const turn = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 1));
/** A flood of new connections must not hold the stop: accepting what is queued ends after this long anyway. */
const MAX_ACCEPT_MS = 2_000;

/**
 * Stops listening without dropping a connection whose request has reached the process. Node's `http.Server.close()`
 * also destroys every connection it considers idle — including one accepted a moment ago whose request bytes are still
 * unread (right after start, or whenever the event loop was busy), which its client sees as ECONNRESET; and closing the
 * listening socket resets connections still queued in the kernel. So: let poll phases accept what is queued, close
 * only the listening socket, and give the accepted connections a linger (timers run late when the loop is busy, so the
 * linger stretches with it) to have their bytes read; a connection whose request has begun is no longer idle, and the
 * usual close then waits for its answer.
 */
export async function stopAccepting(server: Server, lingerMs = STOP_LINGER_MS): Promise<void> {
  if (!server.listening) return;
  let accepted = 0;
  const count = () => accepted++;
  server.on('connection', count);
  // Accept what the kernel has queued, until a turn accepts nothing more. A loop turn accepts only a few connections
  // (measured: about two per turn while requests are being handled), so this takes as many turns as are queued.
  const until = performance.now() + MAX_ACCEPT_MS;
  for (let before = -1; performance.now() < until && accepted !== before; ) {
    before = accepted;
    await turn();
  }
  server.off('connection', count);
  NetServer.prototype.close.call(server);
  await new Promise((resolve) => setTimeout(resolve, lingerMs));
  await turn();
}
