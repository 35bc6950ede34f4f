// Web Push: subscriptions per user (a JSON file per user in `<dataDir>/push/`, or PostgreSQL in scaled mode), and the
// message sent when a server export completes or fails. A 404 or 410 from the push service removes the subscription.

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import webPush from 'web-push';
import { readJsonIfExists, writeJsonAtomic } from './atomic-file.ts';
import type { ServerJobStatus } from '../model/server-job.ts';
import { isIP } from 'node:net';
import { assertPublic, publicOnlyLookup, systemResolver, type Resolver } from './public-address.ts';

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** The JSON payload every notification carries; the service worker shows it and opens `url` on click. */
export interface PushPayload {
  type: 'export-finished';
  exportId: string;
  status: ServerJobStatus;
  /** Where a click leads: the app's History with this export. */
  url: string;
}

/** Most subscriptions kept per user (the oldest is dropped beyond this). */
const MAX_SUBSCRIPTIONS_PER_USER = 20;
/** How long one delivery may take, ms. */
const SEND_TIMEOUT_MS = 10_000;

export interface PushSendOptions {
  /** Test-only: deliveries may go to loopback addresses (config `pushAllowLoopbackForTests`). Default false. */
  allowLoopback?: boolean;
  /** How endpoint hosts are resolved; default the system resolver. */
  resolve?: Resolver;
}

/**
 * Where subscriptions are kept: a JSON file per user (embedded, below) or PostgreSQL (scaled mode,
 * pg/pg-push-subscriptions.ts). `update` applies `change` to a user's list with no other change in between.
 */
export interface PushSubscriptionStore {
  init(): Promise<void>;
  list(userId: string): Promise<PushSubscriptionJson[]>;
  update(userId: string, change: (list: PushSubscriptionJson[]) => PushSubscriptionJson[]): Promise<void>;
}

/** Subscriptions in `<dir>/<sha256(user)>.json`, changes of one user chained in this process. */
export class FilePushSubscriptions implements PushSubscriptionStore {
  /** Per-user chain so concurrent changes to one file stay ordered. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async list(userId: string): Promise<PushSubscriptionJson[]> {
    return (await readJsonIfExists<PushSubscriptionJson[]>(this.fileOf(userId))) ?? [];
  }

  update(userId: string, change: (list: PushSubscriptionJson[]) => PushSubscriptionJson[]): Promise<void> {
    const previous = this.chains.get(userId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      await writeJsonAtomic(this.fileOf(userId), change(await this.list(userId)));
    });
    this.chains.set(userId, next);
    return next;
  }

  private fileOf(userId: string): string {
    // Hashed: user ids are arbitrary JWT subjects, not safe file names.
    return path.join(this.dir, `${createHash('sha256').update(userId).digest('hex')}.json`);
  }
}

export class PushService {
  private readonly lookup;
  private readonly allowLoopback: boolean;
  private readonly store: PushSubscriptionStore;

  /** `subscriptions`: a directory (the embedded file store) or a store of its own (the scaled mode's). */
  constructor(
    subscriptions: string | PushSubscriptionStore,
    private readonly vapid: { publicKey: string; privateKey: string; subject: string },
    options: PushSendOptions = {},
  ) {
    this.store = typeof subscriptions === 'string' ? new FilePushSubscriptions(subscriptions) : subscriptions;
    this.allowLoopback = options.allowLoopback ?? false;
    this.lookup = publicOnlyLookup(options.resolve ?? systemResolver, this.allowLoopback);
  }

  async init(): Promise<void> {
    await this.store.init();
  }

  /** Adds (or refreshes) a subscription of `userId`; the same endpoint is stored once. */
  subscribe(userId: string, subscription: PushSubscriptionJson): Promise<void> {
    return this.store.update(userId, (list) => {
      const next = list.filter((s) => s.endpoint !== subscription.endpoint);
      next.push({ endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth } });
      return next.slice(-MAX_SUBSCRIPTIONS_PER_USER);
    });
  }

  /** Removes a subscription by endpoint. */
  unsubscribe(userId: string, endpoint: string): Promise<void> {
    return this.store.update(userId, (list) => list.filter((s) => s.endpoint !== endpoint));
  }

  /** The user's subscriptions. */
  list(userId: string): Promise<PushSubscriptionJson[]> {
    return this.store.list(userId);
  }

  /**
   * Sends `payload` to every subscription of `userId` (aes128gcm, VAPID-signed). Subscriptions the push
   * service reports gone (404/410) are removed; other failures are logged and left for the next message.
   * @returns how many deliveries the push service accepted
   */
  async notify(userId: string, payload: PushPayload): Promise<number> {
    const body = JSON.stringify(payload);
    const gone: string[] = [];
    let delivered = 0;
    for (const subscription of await this.list(userId)) {
      try {
        const status = await this.send(subscription, body);
        if (status >= 200 && status < 300) delivered += 1;
        else if (status === 404 || status === 410) gone.push(subscription.endpoint);
        else console.warn(`push to ${new URL(subscription.endpoint).host} answered HTTP ${status}`);
      } catch (error) {
        console.warn(`push to ${new URL(subscription.endpoint).host} failed: ${(error as Error).message}`);
      }
    }
    if (gone.length > 0) await this.store.update(userId, (list) => list.filter((s) => !gone.includes(s.endpoint)));
    return delivered;
  }

  /**
   * web-push encrypts (RFC 8291 aes128gcm) and signs (RFC 8292 VAPID). The request goes out through node:http(s)
   * with a lookup that resolves the endpoint's host once, refuses private, loopback, link-local, unique-local and
   * unspecified addresses, and connects to the addresses it checked (the SSRF guard at send time; push-body.ts
   * guards the URL when it is stored).
   */
  private async send(subscription: PushSubscriptionJson, body: string): Promise<number> {
    const details = webPush.generateRequestDetails(subscription, body, {
      vapidDetails: this.vapid,
      contentEncoding: 'aes128gcm',
      TTL: 24 * 3600,
      urgency: 'normal',
    });
    const url = new URL(details.endpoint);
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) !== 0) assertPublic(literal, literal, this.allowLoopback);
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<number>((resolve, reject) => {
      const outgoing = request(url, {
        method: details.method,
        headers: details.headers as Record<string, string>,
        lookup: this.lookup,
        timeout: SEND_TIMEOUT_MS,
      }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer in ${SEND_TIMEOUT_MS / 1000} s`)));
      outgoing.on('error', reject);
      outgoing.end(details.body ? Buffer.from(details.body) : undefined);
    });
  }
}
