// Push deliveries resolve the endpoint's host once, refuse non-public addresses and connect to the address
// that was checked (issue 19 item 2, the SSRF after DNS). The receiver is a real push service on 127.0.0.1.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import webPush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonPublicReason, type Resolver } from '../../src/server/public-address.ts';
import { PushService, type PushSendOptions } from '../../src/server/push.ts';
import { PushReceiver, TestSubscription } from './server-fixtures.ts';

describe('nonPublicReason', () => {
  it('names private, loopback, link-local, unique-local and unspecified addresses, IPv4-mapped ones too', () => {
    const cases: [string, string][] = [
      ['10.1.2.3', 'private'], ['172.31.255.255', 'private'], ['192.168.0.1', 'private'], ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'], ['169.254.169.254', 'link-local'], ['0.0.0.0', 'unspecified'], ['100.100.0.1', 'shared (carrier-grade NAT)'],
      ['224.0.0.1', 'multicast'], ['255.255.255.255', 'reserved'], ['::', 'unspecified'], ['::1', 'loopback'],
      ['fe80::1%eth0', 'link-local'], ['fd12:3456::1', 'unique-local'], ['fc00::1', 'unique-local'], ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::FFFF:10.0.0.1', 'private'], ['::ffff:a9fe:a9fe', 'link-local'],
      ['64:ff9b::192.168.1.1', 'private'], ['::127.0.0.1', 'IPv4-compatible (deprecated)'], ['2002:a00:1::1', '6to4'],
    ];
    for (const [address, reason] of cases) expect(nonPublicReason(address), address).toBe(reason);
  });
  it('passes public unicast addresses', () => {
    for (const address of ['8.8.8.8', '142.250.74.106', '172.32.0.1', '::ffff:8.8.8.8', '2a00:1450:4001:82b::200a', '2606:4700::1111']) {
      expect(nonPublicReason(address), address).toBeUndefined();
    }
  });
});

describe('PushService delivery', () => {
  const receiver = new PushReceiver();
  const vapid = { ...webPush.generateVAPIDKeys(), subject: 'mailto:test@localhost' };
  let dir: string;
  let port: string;
  beforeAll(async () => {
    await receiver.start();
    port = new URL(receiver.baseUrl).port;
    dir = await mkdtemp(path.join(tmpdir(), 'takeaway-push-'));
  });
  afterAll(async () => {
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const payload = { type: 'export-finished' as const, exportId: 'e1', status: 'COMPLETED' as const, url: 'http://x/' };
  async function deliver(user: string, endpoint: string, options: PushSendOptions): Promise<number> {
    const service = new PushService(path.join(dir, user), vapid, options);
    await service.init();
    await service.subscribe(user, new TestSubscription(endpoint).toJSON());
    return service.notify(user, payload);
  }

  it('refuses a host that resolves to loopback unless the test switch is on', async () => {
    expect(await deliver('u1', `http://localhost:${port}/off/1`, {})).toBe(0);
    expect(await deliver('u2', `http://127.0.0.1:${port}/off/2`, {})).toBe(0);
    expect(receiver.received.filter((r) => r.path.startsWith('/off/'))).toHaveLength(0);
    expect(await deliver('u3', `http://localhost:${port}/on/1`, { allowLoopback: true })).toBe(1);
    expect(receiver.received.filter((r) => r.path.startsWith('/on/'))).toHaveLength(1);
  });

  it('refuses a push-service name that resolves to a private, link-local or mapped address, before connecting', async () => {
    for (const address of ['10.0.0.7', '169.254.169.254', 'fd00::1', '0.0.0.0', '::ffff:127.0.0.1']) {
      const resolve: Resolver = async () => [{ address, family: address.includes(':') ? 6 : 4 }];
      const allowLoopback = !address.includes('127.0.0.1');
      expect(await deliver(`p-${address}`, `http://fcm.googleapis.com:${port}/private`, { resolve, allowLoopback }), address).toBe(0);
    }
    // One bad address among good ones is enough to refuse.
    const mixed: Resolver = async () => [{ address: '127.0.0.1', family: 4 }, { address: '10.0.0.7', family: 4 }];
    expect(await deliver('mixed', `http://fcm.googleapis.com:${port}/private`, { resolve: mixed, allowLoopback: true })).toBe(0);
    expect(receiver.received.filter((r) => r.path === '/private')).toHaveLength(0);
  });

  it('connects to the address it checked, resolving the name once', async () => {
    // push.invalid has no DNS entry: the message arrives only because the socket used the checked answer.
    const calls: string[] = [];
    const resolve: Resolver = async (hostname) => {
      calls.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    expect(await deliver('pinned', `http://push.invalid:${port}/pinned`, { resolve, allowLoopback: true })).toBe(1);
    expect(calls).toEqual(['push.invalid']);
    const [message] = receiver.received.filter((r) => r.path === '/pinned');
    expect(message.headers.host).toBe(`push.invalid:${port}`);
  });
});
