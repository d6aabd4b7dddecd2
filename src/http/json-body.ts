import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.js';

type DefaultJsonParser = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => void;

// C0 controls except tab, line feed and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Control characters are stripped from every string value (they carry no meaning in text, and NUL cannot even be
 * stored in PostgreSQL); in property names they are refused.
 */
export function stripControlCharacters(value: unknown): unknown {
  if (typeof value === 'string') return HAS_CONTROL.test(value) ? value.replace(CONTROL, '') : value;
  if (Array.isArray(value)) return value.map(stripControlCharacters);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__') throw new GatewayError('VALIDATION_FAILED', 'Property name "__proto__" is not allowed.');
      if (HAS_CONTROL.test(k)) throw new GatewayError('VALIDATION_FAILED', 'Property names must not contain control characters.');
      out[k] = stripControlCharacters(v);
    }
    return out;
  }
  return value;
}

/**
 * The JSON body parser: the raw bytes are kept long enough to finish a signed request's checks (digest, HMAC,
 * nonce) before anything is parsed, then Fastify's own parser (prototype-poisoning safe) runs, then hygiene.
 */
export function jsonBodyParser(parseDefault: DefaultJsonParser, verifyRaw: (request: FastifyRequest, body: Buffer) => Promise<void>) {
  return async (request: FastifyRequest, body: Buffer): Promise<unknown> => {
    await verifyRaw(request, body);
    const parsed = await new Promise<unknown>((resolve, reject) =>
      parseDefault(request, body.toString('utf8'), (err, value) => (err ? reject(err) : resolve(value))),
    );
    return stripControlCharacters(parsed);
  };
}
