import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, stopProcess, waitForHttp } from '../../bench/processes.js';
import { ADMIN_KEY_FOR_TESTS, MASTER_KEY_FOR_TESTS } from '../helpers/test-app.js';
import { adminPost } from '../helpers/gateway-process.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

const root = new URL('../..', import.meta.url).pathname;
const EVENTS = 1_000;

/** The embedded gateway as users run it (PGlite in DATA_DIR), killed without warning while events wait for delivery. */
describe('webhooks survive SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-crash-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  });

  async function boot(port: number): Promise<ChildProcess> {
    const started = startProcess(['--import', 'tsx', join(root, 'src/server.ts')], {
      PORT: String(port),
      DATA_DIR: join(dir, 'data'),
      GATEWAY_CONFIG: join(dir, 'gateway.json'),
      GATEWAY_ADMIN_KEY: ADMIN_KEY_FOR_TESTS,
      GATEWAY_MASTER_KEY: MASTER_KEY_FOR_TESTS,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    return started;
  }

  it(`${EVENTS} events pending at the kill are all delivered after the restart (counted by webhook-id)`, async () => {
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ webhooks: { endpoint_concurrency: 4, poll_ms: 200 } }));
    const receiver = await startReceiver();
    try {
      receiver.answer = () => ({ status: 200, delayMs: 100 }); // slow: most events still wait when the kill comes
      const port = await freePort();
      child = await boot(port);
      const base = `http://127.0.0.1:${port}`;
      const post = adminPost(base);
      const tenant = await post('/admin/tenants', { name: 'Crash' });
      await post(`/admin/tenants/${tenant.id}/webhooks`, { url: `${receiver.url}/crash`, events: ['key.created'] });
      // Every 201 means the key and its key.created event are committed together.
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < EVENTS) {
            next++;
            await post(`/admin/tenants/${tenant.id}/keys`, { name: `k${next}` });
          }
        }),
      );
      const deliveredBefore = new Set(receiver.received.map((r) => r.id)).size;
      child.kill('SIGKILL');
      await once(child, 'exit');
      expect(deliveredBefore).toBeLessThan(EVENTS);

      receiver.answer = () => ({ status: 200 });
      child = await boot(port);
      const deadline = Date.now() + 60_000;
      while (new Set(receiver.received.map((r) => r.id)).size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const ids = new Set(receiver.received.map((r) => r.id));
      expect(ids.size).toBe(EVENTS);
      // At least once: only attempts cut off by the kill may come twice.
      expect(receiver.received.length - ids.size).toBeLessThanOrEqual(4);
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
