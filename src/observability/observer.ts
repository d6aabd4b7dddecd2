/**
 * What the request and event paths report as they work: metrics implement it, tests and tools that need nothing pass
 * NO_OBSERVER. One interface instead of a callback per service.
 */
export interface GatewayObserver {
  /** One provider attempt: `ok` or the failure, and how long it took. */
  providerAttempt(provider: string, task: string, outcome: string, seconds: number): void;
  /** An answered task request, metered. */
  usage(task: string, provider: string, tenantId: string, inputTokens: number, outputTokens: number, costMicros: number): void;
  cacheLookup(level: 'l1' | 'l2', hit: boolean): void;
  /** A request refused by a tenant quota. */
  quotaRejection(quota: string): void;
  webhookAttempt(outcome: 'succeeded' | 'retry' | 'dead', seconds: number): void;
}

export const NO_OBSERVER: GatewayObserver = {
  providerAttempt: () => {},
  usage: () => {},
  cacheLookup: () => {},
  quotaRejection: () => {},
  webhookAttempt: () => {},
};
