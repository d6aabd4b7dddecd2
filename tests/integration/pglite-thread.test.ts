import { afterAll, describe, expect, it } from 'vitest';
import { PGliteThread } from '../../repositories/sql/pglite-thread.js';

describe('PGlite on its own thread', () => {
  const lite = new PGliteThread(undefined);
  afterAll(() => lite.close());

  it('answers concurrent queries each with its own rows, and keeps types across the thread boundary', async () => {
    await lite.waitReady;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => lite.query<{ n: number; at: Date }>('select $1::int as n, now() as at', [i])));
    expect(answers.map((a) => a.rows[0]!.n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(answers[0]!.rows[0]!.at).toBeInstanceOf(Date);
    await lite.query('create table t (id text primary key)', []);
    expect((await lite.query("insert into t values ('a'), ('b')", [])).affectedRows).toBe(2);
  });

  it('passes PostgreSQL errors back with their code, and keeps serving afterwards', async () => {
    await expect(lite.query('selec 1', [])).rejects.toMatchObject({ code: '42601' });
    await expect(lite.query("insert into t values ('a')", [])).rejects.toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key') });
    expect((await lite.query<{ one: number }>('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
  });

  it('refuses queries once closed instead of hanging', async () => {
    const other = new PGliteThread(undefined);
    await other.waitReady;
    await other.close();
    await expect(other.query('select 1', [])).rejects.toThrow(/exited/);
  });
});
