// `npm run openapi`: writes openapi/openapi.json from the route schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { openApiDocument } from './openapi-document.js';

const path = new URL('../openapi/openapi.json', import.meta.url);
mkdirSync(new URL('.', path), { recursive: true });
writeFileSync(path, await openApiDocument());
process.stdout.write(`wrote ${path.pathname}\n`);
