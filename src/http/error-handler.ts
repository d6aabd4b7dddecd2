import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidCursorError } from '../../repositories/paging.js';
import { GatewayError, errorEnvelope, isGatewayError } from '../errors.js';

const MAX_ISSUES = 10;

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  const base = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const extra = issue.params?.additionalProperty ?? issue.params?.missingProperty;
  const field = [base, typeof extra === 'string' ? extra : ''].filter(Boolean).join('.');
  return [context, field].filter(Boolean).join('.') || (context ?? 'body');
}

/** Turns whatever was thrown into a catalogue error: known codes pass through, framework errors are mapped. */
export function toGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  if (err instanceof InvalidCursorError) {
    return new GatewayError('VALIDATION_FAILED', 'The cursor is not valid.', { details: { field: 'cursor' } });
  }
  const e = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (e.validation) {
    const issues = e.validation.slice(0, MAX_ISSUES).map((i) => ({ field: fieldOf(i, e.validationContext), message: i.message ?? 'is not valid' }));
    const first = issues[0];
    return new GatewayError('VALIDATION_FAILED', first ? `${first.field}: ${first.message}` : 'The request is not valid.', {
      details: { issues },
    });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('VALIDATION_FAILED', 'Content-Type must be application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('VALIDATION_FAILED', 'The JSON body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError('VALIDATION_FAILED', 'The body is not valid JSON.');
  }
  if (e.statusCode === 413) return new GatewayError('PAYLOAD_TOO_LARGE');
  // Remaining 4xx from the framework are malformed requests: bad JSON, __proto__ payloads, bad content length.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new GatewayError('VALIDATION_FAILED', 'The request body could not be parsed.');
  }
  return new GatewayError('INTERNAL');
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const gatewayError = toGatewayError(err);
  request.errorCode = gatewayError.code;
  if (gatewayError.statusCode >= 500) {
    request.log.error({ err }, 'request failed');
  } else {
    request.log.info({ code: gatewayError.code }, 'request rejected');
  }
  if (gatewayError.headers) void reply.headers(gatewayError.headers);
  void reply.code(gatewayError.statusCode).send(errorEnvelope(gatewayError, request.id));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = (request.url.split('?')[0] ?? '').slice(0, 200);
  errorHandler(new GatewayError('NOT_FOUND', `No route ${request.method} ${path}.`), request, reply);
}
