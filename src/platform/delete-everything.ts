// "Delete everything": removes every byte the app keeps in this browser — IndexedDB databases, the OPFS
// workspace, Cache Storage, service workers, local/session storage — and reports what it removed.

/** What `deleteEverything` removed, and what it could not. */
export interface DeleteReport {
  /** Names of the IndexedDB databases deleted. */
  indexedDb: string[];
  /** Names of the top-level OPFS entries removed (files and folders, recursively). */
  opfsEntries: string[];
  /** Names of the Cache Storage caches deleted. */
  caches: string[];
  /** Scopes of the service workers unregistered. */
  serviceWorkers: string[];
  /** Keys cleared from localStorage and sessionStorage. */
  webStorageKeys: number;
  /** Storage the browser still counts for this origin afterwards, bytes (undefined where `estimate()` is missing). */
  usageAfterBytes?: number;
  /** What failed, with the reason; empty when everything went. */
  failures: string[];
}

/**
 * Deletes all of this origin's app data. Open Dexie connections must be closed first (pass `beforeDelete`),
 * or deleting their database waits until they are. Call from the page, not from a worker.
 * @param beforeDelete closes databases and stops workers (the UI passes its own shutdown); awaited first
 */
export async function deleteEverything(beforeDelete?: () => void | Promise<void>): Promise<DeleteReport> {
  const report: DeleteReport = { indexedDb: [], opfsEntries: [], caches: [], serviceWorkers: [], webStorageKeys: 0, failures: [] };
  await beforeDelete?.();
  await step(report, 'service workers', async () => {
    for (const registration of await navigator.serviceWorker?.getRegistrations() ?? []) {
      if (await registration.unregister()) report.serviceWorkers.push(registration.scope);
    }
  });
  await step(report, 'caches', async () => {
    if (typeof caches === 'undefined') return;
    for (const name of await caches.keys()) if (await caches.delete(name)) report.caches.push(name);
  });
  await step(report, 'IndexedDB', async () => {
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      await deleteDatabase(name);
      report.indexedDb.push(name);
    }
  });
  await step(report, 'OPFS', async () => {
    if (!navigator.storage?.getDirectory) return;
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    for (const name of names) {
      await root.removeEntry(name, { recursive: true });
      report.opfsEntries.push(name);
    }
  });
  await step(report, 'web storage', async () => {
    report.webStorageKeys = localStorage.length + sessionStorage.length;
    localStorage.clear();
    sessionStorage.clear();
  });
  await step(report, 'storage estimate', async () => {
    if (navigator.storage?.estimate) report.usageAfterBytes = (await navigator.storage.estimate()).usage;
  });
  return report;
}

async function step(report: DeleteReport, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    report.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Deletes one database; `blocked` means a connection is still open somewhere (another tab), which we report. */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`deleting ${name} failed`));
    request.onblocked = () => reject(new Error(`${name} is still open in another tab or worker`));
  });
}
