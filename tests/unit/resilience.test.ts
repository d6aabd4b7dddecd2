import { describe, expect, it } from 'vitest';
import { Bulkhead } from '../../src/resilience/bulkhead.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';

const never = new AbortController().signal;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('bulkhead shares', () => {
  it('one tenant whose calls hang holds only its share of slots and queue; another tenant still gets a slot', async () => {
    const b = new Bulkhead('vendor', 4, 4, 0.5);
    const hang = gate();
    const held = Array.from({ length: 4 }, () => b.run(() => hang.opened, never, 'greedy').then(() => 'done', (e: Error) => e.message));
    await Promise.resolve();
    expect(b.inFlight).toBe(2);
    expect(b.queued).toBe(2);
    await expect(b.run(async () => 'x', never, 'greedy')).rejects.toThrow(/no room left for this tenant/);
    expect(await b.run(async () => 'mine', never, 'polite')).toBe('mine');
    hang.open();
    expect(await Promise.all(held)).toEqual(['done', 'done', 'done', 'done']);
    expect(b.inFlight).toBe(0);
  });

  it('a freed slot goes to the longest waiter whose tenant is under its share', async () => {
    const b = new Bulkhead('vendor', 2, 8, 0.5);
    const gates = [gate(), gate()];
    const order: string[] = [];
    const first = b.run(() => gates[0]!.opened, never, 'a');
    const second = b.run(() => gates[1]!.opened, never, 'b');
    const aWaits = b.run(async () => void order.push('a2'), never, 'a');
    const cWaits = b.run(async () => void order.push('c'), never, 'c');
    gates[1]!.open(); // b's slot frees while a still holds its one slot: c goes first, a stays queued
    await second;
    await cWaits;
    expect(order).toEqual(['c']);
    gates[0]!.open();
    await Promise.all([first, aWaits]);
    expect(order).toEqual(['c', 'a2']);
  });
});

describe('circuit breaker', () => {
  const settings = { errorThresholdPercent: 50, volumeThreshold: 4, windowMs: 10_000, resetMs: 1_000, minFailingTenants: 2 };

  it('opens only when failures span two tenants, or every tenant that called; ignored calls count for nothing', () => {
    let now = 0;
    const changes: string[] = [];
    const br = new CircuitBreaker(settings, () => now, (s) => changes.push(s));
    for (let i = 0; i < 10; i++) br.settle('ignored', 'a', 1, false);
    expect(br.status().calls).toBe(0);
    br.settle('success', 'b', 1, false);
    for (let i = 0; i < 6; i++) br.settle('failure', 'a', 1, false);
    expect(br.status().state).toBe('closed');
    br.settle('failure', 'b', 1, false);
    expect(br.status().state).toBe('open');
    expect(changes).toEqual(['open']);
    expect(br.admit()).toBeNull();
    now += 1_000;
    expect(br.admit()).toBe('probe');
    expect(br.admit()).toBeNull();
    br.settle('ignored', 'a', 1, true); // a probe the caller cut short decides nothing: the next call probes
    expect(br.admit()).toBe('probe');
    br.settle('success', 'a', 1, true);
    expect(changes).toEqual(['open', 'closed']);
    expect(br.admit()).toBe('call');
  });

  it('a single tenant alone can open it; old failures leave the window', () => {
    let now = 0;
    const br = new CircuitBreaker(settings, () => now, () => {});
    for (let i = 0; i < 3; i++) br.settle('failure', 'solo', 1, false);
    now += 10_001;
    br.settle('failure', 'solo', 1, false);
    expect(br.status()).toMatchObject({ state: 'closed', calls: 1 });
    for (let i = 0; i < 3; i++) br.settle('failure', 'solo', 1, false);
    expect(br.status().state).toBe('open');
  });
});
