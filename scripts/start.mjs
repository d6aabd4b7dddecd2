// `npm start`: compile when the build is missing or older than any source, then run the compiled server.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist/src/server.js');

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    latest = Math.max(latest, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sources = ['src', 'providers', 'middleware', 'repositories'].map((d) => newest(join(root, d)));
const stamp = join(root, 'dist/.tsbuildinfo');
if (!existsSync(entry) || !existsSync(stamp) || Math.max(...sources) > statSync(stamp).mtimeMs) {
  process.stderr.write('building…\n');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}
await import(entry);
