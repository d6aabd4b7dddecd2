// The baseline: a bare Fastify + undici forwarder to the same upstream, with no auth, validation or fallbacks.
// The gateway's figures are quoted as a ratio of this one's, measured in the same run.
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL!);
const pool = new Pool(upstream.origin, { connections: 64 });
const app = Fastify();

app.get('/health/live', async () => ({ status: 'ok' }));
app.post<{ Body: { text: string } }>('/v1/sentiment', async (request) => {
  const res = await pool.request({
    path: `${upstream.pathname}/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: request.body.text }],
      response_format: { type: 'json_schema', json_schema: { name: 'sentiment', strict: true, schema: {} } },
    }),
  });
  const completion = (await res.body.json()) as { choices: { message: { content: string } }[] };
  return JSON.parse(completion.choices[0]!.message.content);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
