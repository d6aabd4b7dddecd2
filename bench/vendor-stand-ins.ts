// Vendor stand-ins in a process of their own, as a real vendor is: sharing the load generator's event loop, their
// answers would wait whenever the generator is busy (signing requests, say), and that wait would be billed to the
// gateway. Reads STAND_INS (JSON: name → { latencyMs, failRate }) and prints { name: url } as one line when listening.
import { FakeOpenAi } from '../tests/helpers/fake-openai.js';

const specs = JSON.parse(process.env.STAND_INS ?? '{}') as Record<string, { latencyMs?: number; failRate?: number }>;
const urls: Record<string, string> = {};
for (const [name, spec] of Object.entries(specs)) {
  const standIn = new FakeOpenAi();
  standIn.latencyMs = spec.latencyMs ?? 0;
  standIn.failRate = spec.failRate ?? 0;
  standIn.recordRequests = false;
  urls[name] = await standIn.start();
}
process.stdout.write(`${JSON.stringify(urls)}\n`);
// Stdin is a pipe from the harness: when it closes, the harness is gone (even if it crashed), and so are we.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
