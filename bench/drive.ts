// One autocannon run against a URL: what every bench scenario measures.
import autocannon from 'autocannon';

export const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Non-2xx answers by status, and transport errors, so a red cell says what went wrong. */
  failures: Record<string, number>;
}

/** `sign` makes per-request headers (a fresh nonce and signature each time), as a signing client would. */
export async function drive(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  sign?: (payload: string) => Record<string, string>,
  connections = CONNECTIONS,
): Promise<Sample> {
  const payload = JSON.stringify(body);
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: DURATION_S,
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
    ...(sign
      ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, ...sign(payload) } }) }] }
      : {}),
  });
  const failures: Record<string, number> = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, s]) => [code, (s as { count: number }).count]),
  );
  if (result.errors > 0) failures.errors = result.errors;
  if (result.timeouts > 0) failures.timeouts = result.timeouts;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors, failures };
}
