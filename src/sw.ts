// The service worker: precaches the app shell (so a reload offline works, deep links included), takes
// control at once, and opens History when a person clicks an "export finished" notification.

import { clientsClaim } from 'workbox-core';
import { createHandlerBoundToURL, precacheAndRoute, cleanupOutdatedCaches } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { listenForScheduleSync } from './sw-schedules.ts';
import { SHARED_FILES_CACHE, SHARED_NAME_HEADER, SHARE_TARGET_PATH } from './platform/shared-files.ts';

declare global {
  interface Window {
    /** Replaced at build time by vite-plugin-pwa (injectManifest) with the precache list. */
    __WB_MANIFEST: Array<string | { url: string; revision: string | null }>;
  }
}

interface SwClient { url: string; focus(): Promise<unknown>; navigate(url: string): Promise<unknown> }
interface SwScope {
  skipWaiting(): Promise<void>;
  addEventListener(type: 'notificationclick', listener: (event: NotificationClickLike) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  clients: { matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<SwClient[]>; openWindow(url: string): Promise<unknown> };
  registration: { scope: string };
}
interface NotificationClickLike { notification: { close(): void; data?: { url?: string } }; waitUntil(promise: Promise<unknown>): void }

// The DOM lib types `self` as a Window; the service worker scope is typed here by hand instead of mixing libs.
const sw = self as unknown as SwScope;

/** Where a click on an export notification leads. */
const HISTORY_URL = '/#/history';

// No skipWaiting() here: the first install activates at once anyway (there is no older worker), and an
// update waits until the page's "a new version is ready — reload" prompt sends SKIP_WAITING. Calling it
// unconditionally would swap the code under a running export and made the prompt unreachable.
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
listenForScheduleSync(self);

// The manifest's share_target posts the shared files here: they are stashed in a Cache (disk-backed, so
// big zips are fine) and the app opens with ?import=shared, where the page takes and imports them.
registerRoute(({ url, request }) => request.method === 'POST' && url.pathname === SHARE_TARGET_PATH, async ({ request }) => {
  const form = await request.formData();
  const cache = await caches.open(SHARED_FILES_CACHE);
  let index = 0;
  for (const value of form.getAll('files')) {
    if (typeof value === 'string') continue;
    index += 1;
    const headers = { 'content-type': value.type || 'application/octet-stream', [SHARED_NAME_HEADER]: encodeURIComponent(value.name) };
    await cache.put(`/__shared/${Date.now()}-${index}`, new Response(value, { headers }));
  }
  return Response.redirect('/?import=shared#/data', 303);
}, 'POST');

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? HISTORY_URL, sw.registration.scope).href;
  event.waitUntil((async () => {
    const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows[0];
    if (open) {
      await open.navigate(target).catch(() => undefined);
      await open.focus();
      return;
    }
    await sw.clients.openWindow(target);
  })());
});

// A server export finished (docs/server.md, push payload `{ type: 'export-finished', exportId, status, url }`):
// show it; a click opens the History on that export through the notificationclick handler above.
interface PushLike { data: { json(): unknown } | null; waitUntil(promise: Promise<unknown>): void }
interface PushScope {
  addEventListener(type: 'push', listener: (event: PushLike) => void): void;
  registration: { showNotification(title: string, options: { body: string; tag: string; icon: string; data: { url: string } }): Promise<void> };
}
(sw as unknown as PushScope).addEventListener('push', (event) => {
  let payload: { type?: string; exportId?: string; status?: string; url?: string } = {};
  try {
    payload = (event.data?.json() ?? {}) as typeof payload;
  } catch {
    // Not JSON: still say something, a push must show a notification.
  }
  const isDone = payload.status === 'COMPLETED';
  const title = isDone ? 'Your server export is ready' : payload.status === 'FAILED' ? 'Your server export failed' : 'Takeaway';
  const body = isDone ? 'Open History to download it.' : 'Open History for details.';
  const url = payload.url ?? `/#/history${payload.exportId ? `?export=${encodeURIComponent(payload.exportId)}` : ''}`;
  event.waitUntil((sw as unknown as PushScope).registration.showNotification(title, {
    body, tag: `takeaway-server-${payload.exportId ?? 'export'}`, icon: '/icons/icon-192.png', data: { url },
  }));
});
