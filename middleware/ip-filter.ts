import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../src/errors.js';
import { hasRules, isAllowed, parseAddress, type CompiledIpRules } from './ip-rules.js';

/**
 * onRequest hook, first of all: the gateway-wide deny/allow rules from config. `request.ip` already honours
 * TRUST_PROXY (forwarded headers are believed only from those proxies). Health checks are exempt so a load
 * balancer outside the allow list can still probe.
 */
export function globalIpFilter(rules: CompiledIpRules) {
  const active = hasRules(rules);
  return async (request: FastifyRequest): Promise<void> => {
    if (!active || request.url.startsWith('/health/')) return;
    if (!isAllowed(parseAddress(request.ip), rules)) throw new GatewayError('IP_NOT_ALLOWED');
  };
}
