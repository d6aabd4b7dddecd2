import type { InteractionRepository, RecommendationQuery, ScoredItem } from '../../repositories/types.js';
import type { TaskInput, TaskResult } from '../task-schemas.js';
import { round4 } from './round.js';

type Strategy = TaskResult<'recommendations'>['strategy'];
type Recommended = TaskResult<'recommendations'>['items'][number];

const HISTORY_SEEDS = 50;

/**
 * Item co-occurrence over the tenant's ingested events: "people who interacted with X also interacted with Y",
 * seeded by the given item or by the user's history; popularity fills what co-occurrence cannot (cold start).
 */
export async function recommend(
  tenantId: string,
  input: TaskInput<'recommendations'>,
  interactions: InteractionRepository,
): Promise<TaskResult<'recommendations'>> {
  const limit = input.limit ?? 10;
  const exclude = new Set(input.exclude ?? []);
  let seeds: string[] = [];
  let strategy: Strategy = 'popularity';
  let reason = '';
  if (input.item_id) {
    seeds = [input.item_id];
    strategy = 'item_similarity';
    reason = `often chosen with ${input.item_id}`;
  } else if (input.user_id) {
    seeds = await interactions.userItems(tenantId, input.user_id, HISTORY_SEEDS);
    strategy = 'user_history';
    reason = 'similar to items this user interacted with';
  }
  for (const seed of seeds) exclude.add(seed);

  const query = (): RecommendationQuery => ({ tenant_id: tenantId, limit, exclude: [...exclude], category: input.filters?.category });
  const items: Recommended[] = [];
  const take = (found: ScoredItem[], why: string) => {
    for (const f of found) {
      if (items.length >= limit || exclude.has(f.item_id)) continue;
      items.push({ item_id: f.item_id, score: round4(f.score), reason: why });
      exclude.add(f.item_id);
    }
  };
  if (seeds.length > 0) take(await interactions.coOccurring(seeds, query()), reason);
  if (items.length === 0) strategy = 'popularity';
  if (items.length < limit) take(await interactions.popular(query()), 'popular');
  return { items, strategy: items.length === 0 ? 'none' : strategy };
}
