import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { ERROR_CATALOGUE } from './errors.js';
import { openApiWebhooks } from './events/event-catalogue.js';

const errorTable = Object.entries(ERROR_CATALOGUE)
  .map(([code, { status }]) => `| ${status} | \`${code}\` |`)
  .join('\n');

export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    // Shared schemas keep their $id as the component name instead of def-0, def-1…
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'AI Task Gateway',
        version: '0.1.0',
        description: [
          'Sentiment, categorisation, smart replies and recommendations over pluggable providers (OpenAI-compatible APIs',
          'and in-process local models), for B2B platforms. Tenant routes live under `/v1` (tenant keys `gwk_…`),',
          'administration under `/admin` (admin keys `gwa_…`). Errors share one envelope:',
          '`{"error": {"code", "message", "request_id", "details?"}}`.',
          '',
          '| status | code |',
          '| --- | --- |',
          errorTable,
        ].join('\n'),
      },
      tags: [
        { name: 'tasks', description: 'AI tasks answered by the configured providers' },
        { name: 'data', description: 'Events, catalogue items and feedback from the tenant' },
        { name: 'admin', description: 'Tenants, keys, IP rules and the audit log (admin keys; each route lists the roles it admits)' },
        { name: 'billing', description: 'Usage from the ledger' },
        { name: 'operations', description: 'Health' },
        {
          name: 'webhooks',
          description:
            'Endpoints that receive events (Standard Webhooks v1 signatures), the delivery log and redelivery. The events and their payloads are under `webhooks`.',
        },
      ],
      webhooks: openApiWebhooks() as never,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'gwk_… (tenant) or gwa_… (admin) key' },
          signature: {
            type: 'apiKey',
            in: 'header',
            name: 'Signature-Input',
            description:
              'GW-HMAC-1 signed key: `Content-Digest`, `Signature-Input` and `Signature` headers (RFC 9421 profile, HMAC-SHA256). ' +
              'See the README section "Signing requests" for the signature base and a test vector.',
          },
        },
      },
    },
  };
}
