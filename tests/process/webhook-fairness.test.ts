import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, stopProcess, waitForHttp } from '../../bench/processes.js';
import { adminPost, startGatewayProcess } from '../helpers/gateway-process.js';
import { startReceiver } from '../helpers/webhook-receiver.js';


/** A receiver that reads each delivery and never answers: every attempt to it holds a dispatcher slot until its timeout. */
async function startTarpit() {
  const held = new Set<ServerResponse>();
  let requests = 0;
  let released = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    held.add(res);
    res.on('close', () => {
      held.delete(res);
      released++;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats: () => ({ requests, held: held.size, released }),
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * A real gateway process. One tenant has eight endpoints on a tarpit and 2 400 deliveries queued for them; another
 * tenant's key.created must still be delivered while every tarpit attempt is still hanging (the verdict is that order,
 * not a time). Regression: the dispatcher took the oldest due deliveries whatever their tenant, so the flood's hanging
 * attempts held every slot and the other tenant's event waited for the flood's backlog (about 9 minutes).
 */
describe('webhook fairness between tenants', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-fair-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it("one tenant's hanging receivers do not hold up another tenant's delivery", async () => {
    // Attempts hang for the longest timeout there is: none of the flood's attempts ends during the test.
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ webhooks: { timeout_ms: 60_000, poll_ms: 200 } }));
    const tarpit = await startTarpit();
    const receiver = await startReceiver();
    try {
      const port = await freePort();
      child = startGatewayProcess(port, { DATA_DIR: join(dir, 'data'), GATEWAY_CONFIG: join(dir, 'gateway.json'), WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/health/ready`);
      const post = adminPost(base);
      const flood = await post('/admin/tenants', { name: 'Flood' });
      for (let i = 0; i < 8; i++) await post(`/admin/tenants/${flood.id}/webhooks`, { url: `${tarpit.url}/hook${i}`, events: ['key.created'] });
      // 300 key.created events × 8 endpoints = 2 400 deliveries.
      let next = 0;
      await Promise.all(Array.from({ length: 6 }, async () => {
        while (next < 300) await post(`/admin/tenants/${flood.id}/keys`, { name: `k${next++}` });
      }));
      while (tarpit.stats().requests === 0) await new Promise((r) => setTimeout(r, 50));

      const quiet = await post('/admin/tenants', { name: 'Quiet' });
      await post(`/admin/tenants/${quiet.id}/webhooks`, { url: `${receiver.url}/quiet`, events: ['key.created'] });
      await post(`/admin/tenants/${quiet.id}/keys`, { name: 'only one' });
      while (receiver.received.length === 0 && tarpit.stats().released === 0) await new Promise((r) => setTimeout(r, 50));

      expect(receiver.received.map((r) => r.path)).toEqual(['/quiet']);
      expect(tarpit.stats().released).toBe(0);
      // The flood holds only its share of the dispatcher: a quarter of max_concurrency (64).
      expect(tarpit.stats().held).toBeLessThanOrEqual(16);
    } finally {
      await tarpit.close();
      await receiver.close();
    }
  }, 120_000);
});
