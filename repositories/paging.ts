import type { Page } from './types.js';

/** A cursor the client sent back that this gateway did not make. */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The id a cursor carries; `idPattern` is what ids of that collection look like (ours by default). */
export function decodeCursor(cursor: string | undefined, idPattern = /^[a-z]{2,5}_[0-9a-z]{22}$/): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!idPattern.test(id)) throw new InvalidCursorError();
  return id;
}

/** Rows were fetched with limit + 1: the extra row only says there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const more = rows.length > limit;
  return { data, next_cursor: more && data.length > 0 ? encodeCursor(data[data.length - 1]!.id) : null };
}
