import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

const root = new URL('../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const read = (files: string[]) => files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n');

it('every error code the gateway can answer with is asserted by some test', () => {
  const code = read([...sources('src'), ...sources('middleware'), ...sources('providers')]);
  const tests = read(sources('tests').filter((f) => !f.endsWith('error-coverage.test.ts')));
  const thrown = ERROR_CODES.filter((c) => new RegExp(`GatewayError\\('${c}'`).test(code));
  expect(thrown.length).toBeGreaterThan(10);
  const untested = thrown.filter((c) => !tests.includes(`'${c}'`));
  expect(untested).toEqual([]);
});
