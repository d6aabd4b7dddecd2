import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../src/errors.js';

/** Methods whose body the framework never reads (Fastify's bodyless set). */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

/**
 * The bytes the framework's body parser would read, read the way it reads them: nothing for bodyless methods or
 * requests that announce no body, the body limit checked against Content-Length first and on every chunk, and a body
 * shorter or longer than its Content-Length refused.
 */
export async function readRawBody(request: FastifyRequest, payload: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const { headers } = request;
  if (BODYLESS.has(request.method)) return Buffer.alloc(0);
  if (headers['content-type'] === undefined && headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0') {
    return Buffer.alloc(0);
  }
  const declared = Number(headers['content-length']);
  if (declared > limit) throw new GatewayError('PAYLOAD_TOO_LARGE');
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of payload) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    received += bytes.length;
    if (received > limit) throw new GatewayError('PAYLOAD_TOO_LARGE');
    chunks.push(bytes);
  }
  if (!Number.isNaN(declared) && received !== declared) throw new GatewayError('VALIDATION_FAILED', 'The request body could not be parsed.');
  return Buffer.concat(chunks, received);
}
