import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { openApiDocument } from '../../scripts/openapi-document.js';

it('the committed openapi/openapi.json equals what the app serves (run `npm run openapi` after changing routes)', async () => {
  const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  expect(committed).toBe(await openApiDocument());
});

it('documents every route of the tenant and admin API and the error catalogue', async () => {
  const doc = JSON.parse(await openApiDocument());
  for (const path of ['/v1/sentiment', '/v1/categorize', '/v1/smart-response', '/v1/recommendations', '/v1/events', '/v1/items', '/v1/feedback', '/admin/tenants', '/admin/tenants/{id}/keys', '/admin/keys/{id}', '/health/ready']) {
    expect(Object.keys(doc.paths)).toContain(path);
  }
  for (const code of ERROR_CODES) expect(doc.info.description).toContain(code);
  expect(doc.paths['/v1/sentiment'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
});
