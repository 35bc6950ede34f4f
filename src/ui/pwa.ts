// Service worker registration and the "a new version is ready" prompt (workbox-window).

import { Workbox } from 'workbox-window';

/** Registers the service worker; `onUpdate` is called with a function that activates a waiting version and reloads. */
export function registerServiceWorker(onUpdate: (reload: () => void) => void): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const workbox = new Workbox('/sw.js');
  workbox.addEventListener('waiting', () => {
    onUpdate(() => {
      workbox.addEventListener('controlling', () => location.reload());
      workbox.messageSkipWaiting();
    });
  });
  void workbox.register();
}
