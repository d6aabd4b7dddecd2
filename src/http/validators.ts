import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function ajv(options: Options): Ajv {
  const instance = new Ajv({ strict: false, allErrors: false, useDefaults: true, removeAdditional: false, ...options });
  (addFormats as unknown as (a: Ajv) => void)(instance);
  return instance;
}

/**
 * Bodies are checked as sent: no type coercion, unknown fields rejected (not silently dropped as Fastify's
 * default would). Query strings and params are text on the wire, so those are coerced.
 */
export function validatorCompiler(shared: object[]): FastifySchemaCompiler<object> {
  const body = ajv({ coerceTypes: false });
  const text = ajv({ coerceTypes: 'array' });
  for (const schema of shared) {
    body.addSchema(schema);
    text.addSchema(schema);
  }
  // Fastify reads ajv's `errors` property off the returned function itself.
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema);
}
