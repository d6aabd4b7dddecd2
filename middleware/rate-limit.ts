import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateDecision, RateLimitStore, RateRule } from '../repositories/types.js';
import type { RateLimitConfig } from '../src/config.js';
import { GatewayError } from '../src/errors.js';

/** The tenant's own requests_per_minute (set with its quota) replaces the configured per-tenant minute limit. */
function rulesFor(config: RateLimitConfig, keyId: string, tenantPerMinute: number | undefined): RateRule[] {
  const rules: RateRule[] = [];
  const add = (name: string, limit: number | undefined, windowMs: number) => limit && rules.push({ name, limit, windowMs });
  add(`key:${keyId}:s`, config.perKey.perSecond, 1_000);
  add(`key:${keyId}:m`, config.perKey.perMinute, 60_000);
  add('tenant:s', config.perTenant.perSecond, 1_000);
  add('tenant:m', tenantPerMinute ?? config.perTenant.perMinute, 60_000);
  return rules;
}

/** IETF RateLimit header fields (delta seconds), for the most restrictive rule. */
export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(d.limit),
    'ratelimit-remaining': String(d.remaining),
    'ratelimit-reset': String(Math.max(0, Math.ceil(d.resetMs / 1000))),
  };
}

/** 429 RATE_LIMITED for a refused decision, with when to retry. */
export function rateLimited(decision: RateDecision, message: string, details: Record<string, unknown> = {}): GatewayError {
  return new GatewayError('RATE_LIMITED', message, {
    headers: { ...rateLimitHeaders(decision), 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
    details: { limit: decision.limit, retry_after_ms: decision.retryAfterMs, ...details },
  });
}

/**
 * preParsing hook for /v1, after authentication (bearer in onRequest, signed in the preParsing step before this one):
 * every configured rule for the key and its tenant is decided in one atomic step; a refused request is not counted and
 * gets 429 RATE_LIMITED with Retry-After. It runs before the body is parsed, so malformed bodies are counted too, and
 * after a signature was verified over the body, so a forged one (whose key id is no secret) cannot spend a tenant's limit.
 */
export function rateLimit(config: RateLimitConfig, store: RateLimitStore, onRefused: () => void = () => {}) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> => {
    const principal = request.principal;
    if (principal?.kind !== 'tenant') return payload;
    const rules = rulesFor(config, principal.key.id, principal.tenant.quota.requests_per_minute);
    if (rules.length === 0) return payload;
    const decision = await store.consume(principal.tenant.id, rules);
    if (!decision.allowed) {
      onRefused();
      throw rateLimited(decision, `Rate limit of ${decision.limit} exceeded; retry later.`);
    }
    void reply.headers(rateLimitHeaders(decision));
    return payload;
  };
}
