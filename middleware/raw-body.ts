import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../src/errors.js';

/** Methods whose body the framework never reads (Fastify's bodyless set). */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

const unreadable = () => new GatewayError('VALIDATION_FAILED', 'The request body could not be parsed.');

/**
 * The bytes the framework's body parser would read, read the way it reads them: nothing for bodyless methods or
 * requests that announce no body, the body limit checked against Content-Length first and on every chunk, and a body
 * shorter or longer than its Content-Length refused.
 */
export function readRawBody(request: FastifyRequest, payload: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const { headers } = request;
  if (BODYLESS.has(request.method)) return Promise.resolve(Buffer.alloc(0));
  if (headers['content-type'] === undefined && headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0') {
    return Promise.resolve(Buffer.alloc(0));
  }
  const declared = Number(headers['content-length']);
  if (declared > limit) return Promise.reject(new GatewayError('PAYLOAD_TOO_LARGE'));
  // Events rather than an async iterator: the same cost as the framework's own reader.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (err: GatewayError | undefined) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) stop(new GatewayError('PAYLOAD_TOO_LARGE'));
      else chunks.push(bytes);
    };
    const onEnd = () => stop(!Number.isNaN(declared) && received !== declared ? unreadable() : undefined);
    const onError = () => stop(unreadable());
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}

/** The bytes again, as the stream the body parser reads. */
export function replayBody(body: Buffer): Readable {
  const stream = new Readable({ read() {} });
  stream.push(body);
  stream.push(null);
  return stream;
}
