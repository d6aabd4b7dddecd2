import type { InteractionType } from '../../../repositories/types.js';

/** How much one event says about interest in an item. */
const TYPE_WEIGHT: Record<InteractionType, number> = { view: 1, click: 2, add_to_cart: 4, purchase: 8, rating: 0 };

/** Ratings count by how far above neutral they are; a low rating is barely interest at all. */
export function interactionWeight(type: InteractionType, value: number | null): number {
  if (type !== 'rating') return TYPE_WEIGHT[type];
  const rating = value ?? 3;
  return rating >= 3 ? 1 + 2 * (rating - 3) : 0.1;
}

