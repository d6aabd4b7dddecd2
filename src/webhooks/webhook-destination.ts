import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { GatewayError } from '../errors.js';
import { mayDeliverTo } from './forbidden-addresses.js';

/** Every address a host name resolves to (tests give their own, to play DNS tricks). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export const MAX_WEBHOOK_URL_LENGTH = 2_048;

/** `[::1]` → `::1`: URL keeps brackets around IPv6 literals. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function forbidden(reason: string, message: string): GatewayError {
  return new GatewayError('WEBHOOK_URL_FORBIDDEN', message, { details: { reason } });
}

/**
 * At registration: https (plain http only where private networks are allowed, i.e. development), no credentials in
 * the URL, and every address the host resolves to must be one a webhook may reach. Connect time checks again.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean, resolve: Resolver): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatewayError('VALIDATION_FAILED', 'url is not a valid absolute URL.', { details: { field: 'body.url' } });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate)) {
    throw forbidden('scheme', 'Webhook URLs must use https.');
  }
  if (url.username || url.password) throw forbidden('credentials', 'Webhook URLs must not carry credentials; verify the signature instead.');
  const host = bareHost(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolve(host)).map((a) => a.address);
    } catch {
      throw forbidden('unresolvable', `The host ${host} does not resolve.`);
    }
  }
  if (addresses.length === 0) throw forbidden('unresolvable', `The host ${host} does not resolve.`);
  if (!addresses.every((a) => mayDeliverTo(a, allowPrivate))) {
    throw forbidden('address', 'The URL points at a loopback, private, link-local or otherwise reserved address.');
  }
}

/** The error a refused destination gives at connect time; recorded as the attempt's error. */
export class ForbiddenDestinationError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_FORBIDDEN';
  constructor(host: string) {
    super(`destination ${host} resolves to a forbidden address`);
    this.name = 'ForbiddenDestinationError';
  }
}

/** An IP literal in the URL never reaches `lookup`, so the sender checks it before connecting. */
export function literalAddressAllowed(url: URL, allowPrivate: boolean): boolean {
  const host = bareHost(url);
  return !isIP(host) || mayDeliverTo(host, allowPrivate);
}

/**
 * The socket's DNS lookup, checked: a host that resolved to a public address at registration and to an internal one
 * now (DNS rebinding) is refused before any byte is sent. Any forbidden address in the answer refuses the whole host.
 */
export function guardedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = family ? found.filter((a) => a.family === family) : found;
        if (addresses.length === 0 || !found.every((a) => mayDeliverTo(a.address, allowPrivate))) {
          callback(new ForbiddenDestinationError(hostname), '', 0);
          return;
        }
        if (options.all) (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
