import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.js';

type DefaultJsonParser = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => void;

// C0 controls except tab, line feed and carriage return; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Deeper bodies are refused: no route needs more than a few levels, and depth is what recursive code pays for. */
export const MAX_JSON_DEPTH = 32;

function tooDeep(): GatewayError {
  return new GatewayError('VALIDATION_FAILED', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`, {
    details: { max_depth: MAX_JSON_DEPTH },
  });
}

export function withoutControlCharacters(value: string): string {
  return HAS_CONTROL.test(value) ? value.replace(CONTROL, '') : value;
}

/**
 * Control characters are stripped from every string value (they carry no meaning in text, and NUL cannot even be
 * stored in PostgreSQL); in property names they are refused. Values nested deeper than MAX_JSON_DEPTH are refused.
 * Iterative, in place (the value comes straight from JSON.parse): no stack to overflow, linear in the body's size.
 */
export function stripControlCharacters(value: unknown): unknown {
  if (typeof value === 'string') return withoutControlCharacters(value);
  if (!value || typeof value !== 'object') return value;
  const stack: { node: Record<string, unknown> | unknown[]; depth: number }[] = [{ node: value as Record<string, unknown>, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) throw tooDeep();
    const visit = (v: unknown, set: (clean: unknown) => void) => {
      if (typeof v === 'string') set(withoutControlCharacters(v));
      else if (v && typeof v === 'object') stack.push({ node: v as Record<string, unknown>, depth: depth + 1 });
    };
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], (clean) => (node[i] = clean));
      continue;
    }
    for (const k of Object.keys(node)) {
      if (k === '__proto__') throw new GatewayError('VALIDATION_FAILED', 'Property name "__proto__" is not allowed.');
      if (HAS_CONTROL.test(k)) throw new GatewayError('VALIDATION_FAILED', 'Property names must not contain control characters.');
      visit(node[k], (clean) => (node[k] = clean));
    }
  }
  return value;
}

/**
 * The JSON body parser: Fastify's own parser (prototype-poisoning safe), then hygiene. (A signed request's body was
 * verified before it got here, by the preParsing signature step.)
 */
export function jsonBodyParser(parseDefault: DefaultJsonParser) {
  return async (request: FastifyRequest, body: Buffer): Promise<unknown> => {
    const parsed = await new Promise<unknown>((resolve, reject) =>
      parseDefault(request, body.toString('utf8'), (err, value) => (err ? reject(err) : resolve(value))),
    );
    return stripControlCharacters(parsed);
  };
}
