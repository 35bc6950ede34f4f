// Periodic Background Sync for schedules (installed PWA, Chromium): the service worker cannot run an export (no
// dedicated worker, no OPFS sync handles, a few minutes per event), so it asks an open page to check its
// schedules, or, with no page open, shows "a scheduled export is due" so one click opens the app, which catches up.

/** Tag the page registers (see ui/background-jobs.ts). */
export const SCHEDULES_SYNC_TAG = 'takeaway-schedules';

interface SyncEvent { tag: string; waitUntil(promise: Promise<unknown>): void }
interface SyncScope {
  addEventListener(type: 'periodicsync', listener: (event: SyncEvent) => void): void;
  clients: { matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<{ postMessage(m: unknown): void }[]> };
  registration: { showNotification(title: string, options: { body: string; tag: string; icon: string; data: { url: string } }): Promise<void> };
}
interface StoredSchedule { name: string; nextRunMs: number; isPaused?: boolean }

/** Names of the stored schedules due at `nowMs`, read with plain IndexedDB (no Dexie in the service worker). */
async function dueScheduleNames(nowMs: number): Promise<string[]> {
  const known = await indexedDB.databases?.();
  if (known && !known.some((d) => d.name === 'takeaway')) return [];
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('takeaway');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    if (!db.objectStoreNames.contains('schedules')) return [];
    const rows = await new Promise<StoredSchedule[]>((resolve, reject) => {
      const request = db.transaction('schedules', 'readonly').objectStore('schedules').getAll();
      request.onsuccess = () => resolve(request.result as StoredSchedule[]);
      request.onerror = () => reject(request.error);
    });
    return rows.filter((s) => !s.isPaused && s.nextRunMs <= nowMs).map((s) => s.name);
  } finally {
    db.close();
  }
}

/** Handles the schedules' periodic sync in the service worker `scope`. */
export function listenForScheduleSync(scope: unknown): void {
  const sw = scope as SyncScope;
  sw.addEventListener('periodicsync', (event) => {
    if (event.tag !== SCHEDULES_SYNC_TAG) return;
    event.waitUntil((async () => {
      const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      if (windows.length > 0) {
        for (const client of windows) client.postMessage({ type: 'takeaway-check-schedules' });
        return;
      }
      const due = await dueScheduleNames(Date.now());
      if (due.length === 0) return;
      await sw.registration.showNotification('A scheduled export is due', {
        body: `${due.join(', ')}: open Takeaway and it runs.`, tag: 'takeaway-schedule-due', icon: '/icons/icon-192.png', data: { url: '/#/job' },
      });
    })());
  });
}
