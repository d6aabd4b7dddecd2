import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../../repositories/types.js';
import { GatewayError, errorEnvelope } from '../errors.js';
import { withoutControlCharacters } from '../http/json-body.js';
import type { AuditLog } from './audit-log.js';

export interface AuditTarget {
  type: string;
  id: string | null;
  tenant_id?: string | null;
  /** Before/after or the fields given; redacted on the way in. */
  diff?: unknown;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action a mutating admin route records, e.g. `tenant.updated`. */
    audit?: string;
  }
  interface FastifyRequest {
    /** What the handler changed; routes that fail before the handler fall back to the `:id` parameter. */
    auditTarget: AuditTarget | null;
  }
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  return status === 401 || status === 403 ? 'denied' : 'failure';
}

/**
 * onSend hook for /admin: every attempt at an audited route by an authenticated admin becomes a row, refused and
 * failed ones included. It runs before the answer leaves, so a client never sees success for an unrecorded change.
 */
export function auditAdminMutations(audit: AuditLog) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const action = request.routeOptions.config.audit;
    const actor = request.principal;
    if (!action || actor?.kind !== 'admin') return payload;
    const params = request.params as { id?: string } | undefined;
    // A path parameter is whatever the caller sent: control characters (NUL cannot be stored) and length go first, so
    // a refused attempt is recorded whatever its URL.
    const id = params?.id === undefined ? null : withoutControlCharacters(params.id).slice(0, 200);
    const target = request.auditTarget ?? { type: action.split('.')[0]!, id };
    try {
      await audit.record({
        actor_key_id: actor.key.id,
        actor_role: actor.key.role,
        action,
        target_type: target.type,
        target_id: target.id,
        tenant_id: target.tenant_id ?? null,
        request_id: request.id,
        ip: request.ip,
        outcome: outcomeOf(reply.statusCode),
        status: reply.statusCode,
        diff: target.diff,
      });
    } catch (err) {
      request.log.error({ err, action }, 'audit append failed');
      if (reply.statusCode < 400) {
        void reply.code(500).type('application/json; charset=utf-8');
        const error = new GatewayError('INTERNAL', 'The change was applied but its audit record could not be written.');
        return JSON.stringify(errorEnvelope(error, request.id));
      }
    }
    return payload;
  };
}
