// Entry of the page: renders the app, registers the service worker, recovers interrupted jobs, and
// exposes test hooks on `window.takeaway` for the end-to-end tests.

import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { registerServiceWorker } from './pwa.ts';
import { bridge, defaultSaveMethod, readDb, support } from './services.ts';
import { autoLoadDemo, loadDemo } from './demo-data.ts';
import { liveJobs, startExport, waitForJob, cancelJob } from './jobs.ts';
import { storeCounts } from '../store/queries.ts';
import { onLaunchFiles, takeSharedFiles } from '../platform/shared-files.ts';
import { importFiles } from './imports.ts';
import { opfsSaveMethod, downloadSaveMethod, pickerSaveMethod } from '../platform/save.ts';
import './styles.css';

let showUpdate: ((reload: () => void) => void) | undefined;
let pendingUpdate: (() => void) | undefined;

function Root() {
  const [update, setUpdate] = useState<() => void>();
  useEffect(() => {
    showUpdate = (reload) => setUpdate(() => reload);
    if (pendingUpdate) setUpdate(() => pendingUpdate);
  }, []);
  return <App update={update} />;
}

// Dev only (dead code in a build): the emulated records API in the browser, for "Sync now" with demo-token.
if (import.meta.env.DEV) void import('./dev-records-api.ts').then((m) => m.startDevRecordsApi()).catch((error: unknown) => console.warn('emulated records API', error));

registerServiceWorker((reload) => {
  pendingUpdate = reload;
  showUpdate?.(reload);
});

const hooks = {
  bridge, support, readDb, defaultSaveMethod,
  saveMethods: { picker: pickerSaveMethod, opfs: opfsSaveMethod, download: downloadSaveMethod },
  loadDemo, importFiles, storeCounts: () => storeCounts(readDb), liveJobs, startExport, waitForJob, cancelJob,
  ready: Promise.resolve() as Promise<unknown>,
};
(window as unknown as { takeaway: typeof hooks }).takeaway = hooks;

hooks.ready = (async () => {
  await bridge.recoverInterrupted().catch((error: unknown) => console.warn('recovering interrupted jobs failed', error));
  await autoLoadDemo().catch((error: unknown) => console.warn('loading demo data failed', error));
  // Files shared to the installed app arrive through the service worker's share-target route.
  if (new URLSearchParams(location.search).get('import') === 'shared') {
    const files = await takeSharedFiles().catch(() => [] as File[]);
    history.replaceState(null, '', '/#/data');
    if (files.length) await importFiles(files, 'shared');
  }
})();

onLaunchFiles((files) => {
  location.hash = '#/data';
  void importFiles(files, 'opened');
});

createRoot(document.getElementById('root')!).render(<StrictMode><Root /></StrictMode>);
