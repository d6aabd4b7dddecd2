// Recommender figures: model rebuild and query latency in process with 100 000 interactions, and event ingest
// through `POST /v1/events` of a running gateway (called from bench/run.ts; `npm run bench:recommendations` alone).
import { TenantModel } from '../providers/local/recommendations/tenant-model.js';
import type { ModelEvent } from '../providers/local/recommendations/recommender-options.js';
import { seededRandom } from '../providers/local/seeded-random.js';
import type { InteractionType } from '../repositories/types.js';
import { median, percentile } from './stats.js';

export const INTERACTIONS = 100_000;
const USERS = 10_000;
const ITEMS = 5_000;
const CLUSTERS = 50;
const DAY = 86_400_000;
const TYPES: [InteractionType, number][] = [['view', 0.6], ['click', 0.2], ['add_to_cart', 0.1], ['purchase', 0.1]];


/** Shoppers with tastes: each user mostly picks from their cluster's items, skewed towards its best sellers. */
export function syntheticEvents(count = INTERACTIONS, seed = 7): ModelEvent[] {
  const random = seededRandom(seed);
  const now = Date.now();
  const skewed = (n: number) => Math.floor(n * random() ** 2);
  const perCluster = ITEMS / CLUSTERS;
  return Array.from({ length: count }, () => {
    const user = Math.floor(random() * USERS);
    const item = random() < 0.8 ? (user % CLUSTERS) * perCluster + skewed(perCluster) : skewed(ITEMS);
    let pick = random();
    const type = TYPES.find(([, share]) => (pick -= share) < 0)?.[0] ?? 'view';
    return { type, user_id: `u${user}`, item_id: `i${item}`, value: null, at: now - Math.floor(random() * 90 * DAY) };
  });
}

export function recommenderFigures(): string[] {
  const events = syntheticEvents();
  const heapBefore = process.memoryUsage().heapUsed;
  const model = new TenantModel();
  model.add(events);
  const rebuilds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const started = performance.now();
    model.rebuildNow();
    rebuilds.push(performance.now() - started);
  }
  const heapMib = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const random = seededRandom(11);
  const queries = Array.from({ length: 5_000 }, (_, i) => {
    const user = `u${Math.floor(random() * USERS)}`;
    const item = `i${Math.floor(random() * ITEMS)}`;
    return i % 3 === 0 ? { item_id: item } : i % 3 === 1 ? { user_id: user } : { user_id: user, item_id: item, limit: 20, exclude: [item] };
  });
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let round = 0; round < 5; round++) {
    const times = queries.map((q) => {
      const started = performance.now();
      model.recommend(q);
      return performance.now() - started;
    });
    p50s.push(percentile(times, 0.5));
    p99s.push(percentile(times, 0.99));
  }
  return [
    `Recommender, ${INTERACTIONS} interactions (${USERS} users, ${ITEMS} items): full neighbour rebuild ${median(rebuilds).toFixed(0)} ms (run in slices in the background), heap +${heapMib.toFixed(0)} MiB`,
    `Recommendation query in process (item, user and mixed queries; median of 5 rounds × ${queries.length}): p50 ${median(p50s).toFixed(3)} ms, p99 ${median(p99s).toFixed(3)} ms`,
  ];
}

/** Posts the synthetic events in batches of 1 000 from a few concurrent clients; returns events per second. */
export async function ingest(url: string, headers: Record<string, string>, events = syntheticEvents(), concurrency = 4): Promise<number> {
  const batches: ModelEvent[][] = [];
  for (let i = 0; i < events.length; i += 1_000) batches.push(events.slice(i, i + 1_000));
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const body = JSON.stringify({
        events: batch.map((e) => ({ type: e.type, user_id: e.user_id, item_id: e.item_id, timestamp: new Date(e.at).toISOString() })),
      });
      const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return (events.length / (performance.now() - started)) * 1000;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${recommenderFigures().join('\n')}\n`);
