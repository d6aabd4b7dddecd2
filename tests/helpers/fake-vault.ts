import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for Vault's HTTP API: KV v2 reads, token lookup/renew-self and Transit encrypt/decrypt, with a
 * switch that makes it answer 503 to everything (Vault sealed or gone).
 */
export class FakeVault {
  readonly token = 'hvs.test-token-do-not-log-0000';
  readonly kv = new Map<string, Record<string, string>>();
  down = false;
  tokenTtl = 3600;
  renewals = 0;
  transitCalls = 0;
  private readonly sealed = new Map<string, string>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, string>) : {};
    if (this.down) return this.send(res, 503, { errors: ['Vault is sealed'] });
    if (req.headers['x-vault-token'] !== this.token) return this.send(res, 403, { errors: ['permission denied'] });
    const path = (req.url ?? '').split('?')[0]!;
    if (path === '/v1/auth/token/lookup-self') return this.send(res, 200, { data: { ttl: this.tokenTtl, renewable: true } });
    if (path === '/v1/auth/token/renew-self') {
      this.renewals++;
      return this.send(res, 200, { auth: { lease_duration: this.tokenTtl, renewable: true } });
    }
    const kv = /^\/v1\/secret\/data\/(.+)$/.exec(path);
    if (kv) {
      const data = this.kv.get(kv[1]!);
      return data ? this.send(res, 200, { data: { data, metadata: { version: 1 } } }) : this.send(res, 404, { errors: [] });
    }
    const transit = /^\/v1\/transit\/(encrypt|decrypt)\/([\w-]+)$/.exec(path);
    if (transit) {
      this.transitCalls++;
      if (transit[1] === 'encrypt') {
        const ciphertext = `vault:v1:${Buffer.from(String(this.sealed.size)).toString('base64')}`;
        this.sealed.set(ciphertext, body.plaintext!);
        return this.send(res, 200, { data: { ciphertext } });
      }
      const plaintext = this.sealed.get(body.ciphertext!);
      return plaintext ? this.send(res, 200, { data: { plaintext } }) : this.send(res, 400, { errors: ['invalid ciphertext'] });
    }
    this.send(res, 404, { errors: [] });
  }

  async close(): Promise<void> {
    this.server.close();
    this.server.closeAllConnections();
  }
}
