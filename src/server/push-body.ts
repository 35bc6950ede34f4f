// Validates the body of `POST /api/push/subscriptions`: a PushSubscription's JSON form.

import type { PushSubscriptionJson } from './push.ts';
import { BodyError } from './request-body.ts';

/** A P-256 public key, uncompressed (RFC 8291 §3.1): 65 bytes starting with 0x04. */
const P256_PUBLIC_KEY_BYTES = 65;
/** The authentication secret (RFC 8291 §3.2): 16 bytes. */
const AUTH_SECRET_BYTES = 16;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The subscription of a body `{ endpoint, keys: { p256dh, auth } }`. The endpoint must be https (http only on
 * a loopback host when `allowLoopbackForTests`, for local test receivers); the keys base64url with the sizes
 * RFC 8291 gives them.
 */
export function parsePushSubscription(body: unknown, allowLoopbackForTests = false): PushSubscriptionJson {
  const value = body as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } } | null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BodyError('body', 'expected a JSON object');
  if (typeof value.endpoint !== 'string' || value.endpoint.length > 2048) throw new BodyError('endpoint', 'expected a URL of at most 2048 characters');
  let url: URL;
  try {
    url = new URL(value.endpoint);
  } catch {
    throw new BodyError('endpoint', `not a URL: ${JSON.stringify(value.endpoint.slice(0, 100))}`);
  }
  // SSRF guard: the server POSTs to this URL when a job ends, so only the browsers' push services qualify.
  const loopbackForTests = allowLoopbackForTests && LOOPBACK_HOSTS.has(url.hostname);
  if (url.username || url.password) throw new BodyError('endpoint', 'must not carry credentials');
  if (!loopbackForTests) {
    if (url.protocol !== 'https:') throw new BodyError('endpoint', 'must be an https URL');
    if (url.port !== '') throw new BodyError('endpoint', 'must use the default https port');
    if (!isPushServiceHost(url.hostname)) throw new BodyError('endpoint', `${url.hostname} is not a known push service`);
  }
  const p256dh = keyBytes(value.keys?.p256dh, 'keys.p256dh');
  if (p256dh.length !== P256_PUBLIC_KEY_BYTES || p256dh[0] !== 0x04) throw new BodyError('keys.p256dh', 'expected an uncompressed P-256 public key (65 bytes, base64url)');
  const auth = keyBytes(value.keys?.auth, 'keys.auth');
  if (auth.length !== AUTH_SECRET_BYTES) throw new BodyError('keys.auth', 'expected a 16-byte secret (base64url)');
  return { endpoint: value.endpoint, keys: { p256dh: value.keys!.p256dh as string, auth: value.keys!.auth as string } };
}

/** FCM, Mozilla autopush, Apple and Windows push services: the hosts browsers hand out as endpoints. */
export function isPushServiceHost(host: string): boolean {
  return host === 'fcm.googleapis.com' || host === 'updates.push.services.mozilla.com'
    || host.endsWith('.push.apple.com') || host.endsWith('.notify.windows.com');
}

function keyBytes(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(value)) throw new BodyError(field, 'expected a base64url string');
  return Buffer.from(value, 'base64url');
}
