import { Type, type TSchema } from 'typebox';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../errors.js';

export const closed = { additionalProperties: false } as const;

/** A schema or null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
      message: Type.String(),
      request_id: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse', description: 'Error envelope; `code` is stable, `message` may change.' },
);

/** Error responses for the OpenAPI description, grouped by status, from the codes a route can answer with. */
export function errorResponses(...codes: ErrorCode[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const code of new Set<ErrorCode>([...codes, 'VALIDATION_FAILED', 'INTERNAL'])) {
    const status = ERROR_CATALOGUE[code].status;
    out[status] = Type.Ref('ErrorResponse');
  }
  return out;
}

/** /v1 routes: a bearer tenant key or a GW-HMAC-1 signed request. */
export const TENANT_SECURITY: { [scheme: string]: string[] }[] = [{ bearer: [] }, { signature: [] }];

/** Codes any /v1 route can answer with before its handler runs. */
export const TENANT_AUTH_ERRORS: ErrorCode[] = [
  'API_KEY_MISSING', 'API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_REVOKED', 'FORBIDDEN', 'IP_NOT_ALLOWED',
  'SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'SIGNATURE_EXPIRED', 'NONCE_REPLAYED', 'CONTENT_DIGEST_MISMATCH', 'REPLAY_STORE_UNAVAILABLE',
  'RATE_LIMITED',
];

export const AUTH_ERRORS: ErrorCode[] = ['API_KEY_MISSING', 'API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_REVOKED', 'FORBIDDEN'];

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
  },
  closed,
);

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[a-z]{2,5}_[0-9a-z]{22}$' }) }, closed);

export const DateTime = Type.String({ format: 'date-time' });

/** A timestamp in a response: repositories hand out Dates, the serializer writes RFC 3339. */
export const Timestamp = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
