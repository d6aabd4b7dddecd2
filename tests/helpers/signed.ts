import type { InjectOptions } from 'fastify';
import { signRequest } from '../../src/client/signing.js';
import type { App } from '../../src/http/app-type.js';

export interface SignedCall {
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE';
  url: string;
  body?: string;
  keyId: string;
  secret: string;
  created?: number;
  nonce?: string;
  /** Change the request after signing (what an attacker or a broken proxy would do). */
  after?: (request: { method: string; url: string; body: string | undefined; headers: Record<string, string> }) => void;
  remoteAddress?: string;
}

/** Signs for http://localhost<url> (inject's Host), then lets the test tamper before sending. */
export async function signedInject(app: App, call: SignedCall) {
  const method = call.method ?? 'POST';
  const headers: Record<string, string> = {
    host: 'localhost',
    ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...signRequest({ method, url: `http://localhost${call.url}`, body: call.body, keyId: call.keyId, secret: call.secret, created: call.created, nonce: call.nonce }),
  };
  const request = { method, url: call.url, body: call.body, headers };
  call.after?.(request);
  const options: InjectOptions = { method: request.method as 'POST', url: request.url, headers: request.headers, payload: request.body };
  if (call.remoteAddress) options.remoteAddress = call.remoteAddress;
  return app.inject(options);
}
