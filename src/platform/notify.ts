// "Your export is ready" while the page is hidden, through the service worker registration so a click
// can open History even if the tab was closed meanwhile (sw.ts handles the click).

/** Asks for permission once, from a click (browsers ignore requests without a user gesture). */
export async function requestNotificationPermission(): Promise<NotificationPermission> {
  if (typeof Notification === 'undefined') return 'denied';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

/** Shows the notification if the page is hidden and permission is granted; returns whether it was shown. */
export async function notifyExportFinished(title: string, body: string): Promise<boolean> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  if (document.visibilityState !== 'hidden') return false;
  const registration = await navigator.serviceWorker?.getRegistration();
  if (!registration) return false;
  await registration.showNotification(title, { body, tag: 'takeaway-export', icon: '/icons/icon-192.png', data: { url: '/#/history' } });
  return true;
}
