import type { InteractionType } from '../../../repositories/types.js';

export interface ModelEvent {
  type: InteractionType;
  user_id: string;
  item_id: string;
  value: number | null;
  /** Epoch milliseconds. */
  at: number;
}

export interface RecommenderOptions {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Most recent items per user that count towards item similarity (very long histories say little about any pair). */
  historyCap: number;
  /** Items of the user's history that seed a user-based query, most recent first. */
  historySeeds: number;
  /** A user's interest in an item halves with each such period before their latest event. */
  interestHalfLifeMs: number;
  /** Popularity (the cold-start answer) favours what is popular now: an event's weight halves with each period. */
  popularityHalfLifeMs: number;
  /** Bounds on one tenant's model. Past any of them the oldest events are forgotten until all hold again. */
  maxEvents: number;
  maxUsers: number;
  maxItems: number;
  /** Distinct items remembered per user (what is never recommended back to them); their least recent go first. */
  maxItemsPerUser: number;
}

export const DEFAULT_RECOMMENDER_OPTIONS: RecommenderOptions = {
  neighbours: 50,
  historyCap: 200,
  historySeeds: 20,
  interestHalfLifeMs: 86_400_000,
  popularityHalfLifeMs: 7 * 86_400_000,
  maxEvents: 500_000,
  maxUsers: 100_000,
  maxItems: 50_000,
  maxItemsPerUser: 1000,
};
