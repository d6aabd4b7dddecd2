import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

describe('what is published, and the reference proxy', () => {
  it('is licensed Apache-2.0 with a NOTICE, and no data set (MovieLens forbids commercial use) is in the package or the image', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string; private?: boolean };
    expect(pkg.license).toBe('Apache-2.0');
    expect(read('LICENSE')).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(read('NOTICE')).toMatch(/never part of a published package or image[^]*MovieLens/);
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as [{ files: { path: string }[] }];
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'NOTICE', 'README.md', 'package.json']));
    expect(files.filter((f) => f.startsWith('datasets/') || f.includes('ml-latest-small') || f.startsWith('tests/'))).toEqual([]);
    expect(read('.dockerignore').split('\n')).toContain('datasets');
    expect(read('docker/Dockerfile')).not.toMatch(/COPY .*datasets/);
  });

  it('nginx resends a request to the other gateway only when the connection failed before it was sent', () => {
    const directives = read('docker/nginx/nginx.conf').split('\n').filter((l) => l.trim().startsWith('proxy_next_upstream '));
    expect(directives).toHaveLength(1);
    expect(directives[0]).not.toMatch(/http_5\d\d|non_idempotent|http_429/);
  });
});
