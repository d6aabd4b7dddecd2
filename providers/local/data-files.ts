import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The data folder sits beside the sources; compiled code runs from dist/, so look in both places. */
function dataDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'data'), join(here, '..', '..', '..', 'providers', 'local', 'data')];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`local model data not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function readDataFile(name: string): string {
  return readFileSync(join(dataDir(), name), 'utf8');
}
