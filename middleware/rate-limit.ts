import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateDecision, RateLimitStore, RateRule } from '../repositories/types.js';
import type { RateLimitConfig } from '../src/config.js';
import { GatewayError } from '../src/errors.js';

function rulesFor(config: RateLimitConfig, keyId: string): RateRule[] {
  const rules: RateRule[] = [];
  const add = (name: string, limit: number | undefined, windowMs: number) => limit && rules.push({ name, limit, windowMs });
  add(`key:${keyId}:s`, config.perKey.perSecond, 1_000);
  add(`key:${keyId}:m`, config.perKey.perMinute, 60_000);
  add('tenant:s', config.perTenant.perSecond, 1_000);
  add('tenant:m', config.perTenant.perMinute, 60_000);
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

/**
 * onRequest hook for /v1, after authentication: every configured rule for the key and its tenant is decided in one
 * atomic step; a refused request is not counted and gets 429 RATE_LIMITED with Retry-After.
 */
export function rateLimit(config: RateLimitConfig, store: RateLimitStore) {
  const enabled = [config.perKey.perSecond, config.perKey.perMinute, config.perTenant.perSecond, config.perTenant.perMinute].some(Boolean);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const principal = request.principal;
    if (!enabled || principal?.kind !== 'tenant') return;
    const decision = await store.consume(principal.tenant.id, rulesFor(config, principal.key.id));
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      throw new GatewayError('RATE_LIMITED', `Rate limit of ${decision.limit} exceeded; retry later.`, {
        headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
        details: { limit: decision.limit, retry_after_ms: decision.retryAfterMs },
      });
    }
    void reply.headers(headers);
  };
}
