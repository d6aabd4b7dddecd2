import { hash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The trained artefacts sit beside the sources; compiled code runs from dist/, so look in both places. */
export function modelsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'models'), join(here, '..', '..', '..', 'providers', 'local', 'models')];
  const found = candidates.find((dir) => existsSync(join(dir, 'README.md')));
  if (!found) throw new Error(`local model artefacts not found (looked in ${candidates.join(', ')}); run npm run train`);
  return found;
}

export function readModel<T>(name: string): T {
  return JSON.parse(readFileSync(join(modelsDir(), name), 'utf8')) as T;
}

let fingerprint: string | undefined;

/** A short hash of every artefact: part of the model name, so a retrain makes cached answers of the old one unreachable. */
export function artefactsFingerprint(): string {
  if (!fingerprint) {
    const dir = modelsDir();
    const contents = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => `${f}\n${readFileSync(join(dir, f), 'utf8')}`);
    fingerprint = hash('sha256', contents.join('\n'), 'hex').slice(0, 8);
  }
  return fingerprint;
}
