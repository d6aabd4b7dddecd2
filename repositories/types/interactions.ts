export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'rating'] as const;
export type InteractionType = (typeof EVENT_TYPES)[number];

export interface Interaction {
  id: string;
  type: InteractionType;
  user_id: string;
  item_id: string;
  value: number | null;
  occurred_at: Date;
}

export interface CatalogItem {
  item_id: string;
  title: string | null;
  category: string | null;
  attributes: Record<string, unknown>;
}

/** An event as stored: its sequence orders the tenant's events for the models that follow them. */
export interface StoredInteraction extends Interaction {
  seq: number;
}

export interface ItemCategory {
  item_id: string;
  category: string | null;
}

/** Categories of the given items, or those changed at or after a time of the database's clock (oldest first). */
export type CategoryQuery = { itemIds: string[] } | { changedSince: Date; limit: number };

export interface CategoryPage {
  items: (ItemCategory & { updated_at: Date })[];
  /** The database's time when the page was read: where the next "changed since" starts. */
  asOf: Date;
}

export interface InteractionRepository {
  /** Idempotent on (tenant, event id): a repeated id counts as a duplicate, not an error. Returns the new events. */
  addEvents(tenantId: string, events: Interaction[]): Promise<{ stored: StoredInteraction[]; duplicates: number }>;
  upsertItems(tenantId: string, items: CatalogItem[]): Promise<number>;
  /** The tenant's events after `afterSeq`, in sequence order. */
  eventsSince(tenantId: string, afterSeq: number, limit: number): Promise<StoredInteraction[]>;
  /** The sequence after which exactly the `count` most recent events follow (0 when there are fewer). */
  windowStart(tenantId: string, count: number): Promise<number>;
  itemCategories(tenantId: string, query: CategoryQuery): Promise<CategoryPage>;
}
