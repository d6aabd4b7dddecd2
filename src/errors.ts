/**
 * The one catalogue of error codes the gateway answers with (see the API contract).
 * Codes are stable; messages are defaults and may be replaced per throw.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  CONTENT_DIGEST_MISMATCH: { status: 400, message: 'Content-Digest does not match the body.' },
  UNSUPPORTED_OPTION: { status: 400, message: 'An option is not supported.' },
  API_KEY_MISSING: { status: 401, message: 'An API key is required.' },
  API_KEY_INVALID: { status: 401, message: 'The API key is not valid.' },
  API_KEY_EXPIRED: { status: 401, message: 'The API key has expired.' },
  API_KEY_REVOKED: { status: 401, message: 'The API key has been revoked.' },
  SIGNATURE_MISSING: { status: 401, message: 'The request signature is missing.' },
  SIGNATURE_INVALID: { status: 401, message: 'The request signature is not valid.' },
  SIGNATURE_EXPIRED: { status: 401, message: 'The request signature has expired.' },
  NONCE_REPLAYED: { status: 401, message: 'The request nonce was already used.' },
  IP_NOT_ALLOWED: { status: 403, message: 'Requests from this address are not allowed.' },
  FORBIDDEN: { status: 403, message: 'This key may not do that.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  WEBHOOK_URL_FORBIDDEN: { status: 422, message: 'The webhook URL is not allowed.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  QUOTA_EXCEEDED: { status: 429, message: 'A quota has been exceeded.' },
  INTERNAL: { status: 500, message: 'An internal error occurred.' },
  PROVIDER_ERROR: { status: 502, message: 'The provider failed to answer.' },
  NO_PROVIDER_AVAILABLE: { status: 503, message: 'No provider is available for this task.' },
  UPSTREAM_CIRCUIT_OPEN: { status: 503, message: 'The provider is temporarily unavailable.' },
  REPLAY_STORE_UNAVAILABLE: { status: 503, message: 'The replay store is unavailable.' },
  QUOTA_STORE_UNAVAILABLE: { status: 503, message: 'The quota store is unavailable.' },
  OVERLOADED: { status: 503, message: 'The gateway is overloaded.' },
  PROVIDER_TIMEOUT: { status: 504, message: 'The provider did not answer in time.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.statusCode = ERROR_CATALOGUE[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; request_id: string; details?: Record<string, unknown> };
}

export function errorEnvelope(err: GatewayError, requestId: string): ErrorEnvelope {
  const body: ErrorEnvelope['error'] = { code: err.code, message: err.message, request_id: requestId };
  if (err.details) body.details = err.details;
  return { error: body };
}
