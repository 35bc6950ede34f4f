// Web Push for server exports: subscribe this browser through the service worker and tell the server, so a
// finished server export shows a notification even when the app is closed (the SW's `push` handler).

import { registerPushSubscription, serverVapidKey, type ServerConnection } from './server-client.ts';

/** Whether this browser can receive push messages at all. */
export function canUsePush(): boolean {
  return 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
}

/** The VAPID key as bytes (`applicationServerKey` takes the uncompressed P-256 point). */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Asks for notification permission, subscribes with the server's VAPID key and registers the subscription.
 * Resolves false when permission is refused or push is missing; throws on a server or push-service failure.
 */
export async function subscribeToServerPush(server: ServerConnection): Promise<boolean> {
  if (!canUsePush()) return false;
  if ((await Notification.requestPermission()) !== 'granted') return false;
  const registration = await navigator.serviceWorker.ready;
  const key = await serverVapidKey(server);
  const existing = await registration.pushManager.getSubscription();
  const subscription = existing ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) });
  await registerPushSubscription(server, subscription.toJSON());
  return true;
}
