import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { classifyAddress, mayDeliverTo } from '../../src/webhooks/forbidden-addresses.js';
import { signWebhook, signatureHeader, verifyWebhook } from '../../src/webhooks/webhook-signature.js';

describe('webhook signatures (Standard Webhooks v1)', () => {
  const secret = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC0zMi1ieXRlcy0wMDA=';
  const body = '{"type":"usage.threshold_reached","timestamp":"2024-11-21T14:40:00Z","data":{"tenant":"t_1"}}';

  it('matches the contract test vector', () => {
    expect(signWebhook(secret, 'msg_01JDTESTVECTOR', 1732200000, body)).toBe('v1,QGsCqDybjrrMZP4nzAiQaTsKHJBAxQCsS/uLTc1JuoU=');
  });

  it('signs with every secret during a rotation, and either verifies', () => {
    const next = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
    const header = signatureHeader([secret, next], 'msg_1', 1, body);
    expect(header.split(' ')).toHaveLength(2);
    expect(verifyWebhook(secret, header, 'msg_1', 1, body)).toBe(true);
    expect(verifyWebhook(next, header, 'msg_1', 1, body)).toBe(true);
    expect(verifyWebhook(next, header, 'msg_1', 2, body)).toBe(false);
    expect(verifyWebhook(next, header, 'msg_1', 1, `${body} `)).toBe(false);
  });

  it('verifies with the standardwebhooks package, as receivers will', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(now), 'webhook-signature': signatureHeader([secret], 'msg_2', now, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('refuses secrets without the whsec_ prefix', () => {
    expect(() => signWebhook('dGVzdA==', 'msg_1', 1, body)).toThrow(/whsec_/);
  });
});

describe('webhook destinations', () => {
  it.each([
    ['93.184.216.34', 'allowed'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'allowed'],
    ['127.0.0.1', 'private'],
    ['::1', 'private'],
    ['::ffff:127.0.0.1', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'forbidden'],
    ['100.64.0.1', 'private'],
    ['0.0.0.0', 'forbidden'],
    ['fd00::1', 'private'],
    ['fe80::1', 'forbidden'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['not-an-ip', 'forbidden'],
  ])('%s is %s', (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });

  it('lets loopback and private networks through only when configured to; link-local (metadata) never', () => {
    expect(mayDeliverTo('127.0.0.1', false)).toBe(false);
    expect(mayDeliverTo('127.0.0.1', true)).toBe(true);
    expect(mayDeliverTo('10.0.0.1', false)).toBe(false);
    expect(mayDeliverTo('10.0.0.1', true)).toBe(true);
    expect(mayDeliverTo('169.254.169.254', true)).toBe(false);
    expect(mayDeliverTo('::ffff:169.254.169.254', true)).toBe(false);
    expect(mayDeliverTo('93.184.216.34', false)).toBe(true);
  });
});
