import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';

/** The installed PGlite's version: a template made by another version is never used. */
function pgliteVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

let template: Promise<Blob> | undefined;

/**
 * A fresh in-memory PGlite (tests, benches). Creating one runs initdb, ≈ 3 s of WASM; loading the files of an empty
 * cluster made once per machine and PGlite version (kept in the temp directory) takes under a second.
 */
export async function freshInMemoryPGlite(): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  template ??= (async () => {
    const path = join(tmpdir(), `ai-task-gateway-pglite-${pgliteVersion()}.tar`);
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const pg = new PGlite();
    await pg.waitReady;
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    // Written aside, then renamed: processes starting side by side never read a half-written file.
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
    return dump;
  })();
  const pg = new PGlite({ loadDataDir: await template });
  await pg.waitReady;
  return pg;
}
