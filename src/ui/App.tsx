// The app shell: header with navigation, the four screens by URL hash, the update prompt.

import { useEffect, useState } from 'react';
import { DataScreen } from './screens/DataScreen.tsx';
import { ExportScreen } from './screens/ExportScreen.tsx';
import { JobScreen } from './screens/JobScreen.tsx';
import { HistoryScreen } from './screens/HistoryScreen.tsx';
import { onDemoProgress } from './demo-data.ts';
import { useRunningJobCount } from './jobs.ts';
import { defaultSaveMethod } from './services.ts';
import type { DemoLoadProgress } from '../workers/api.ts';
import { requestNotificationPermission } from '../platform/notify.ts';
import { startBackgroundJobs } from './background-jobs.ts';
import { AutomateScreen } from './screens/AutomateScreen.tsx';
import { AuditScreen } from './screens/AuditScreen.tsx';

export type Route = 'data' | 'export' | 'job' | 'history' | 'automate' | 'audit';
const ROUTES: { id: Route; label: string }[] = [
  { id: 'data', label: 'Data' },
  { id: 'export', label: 'Export' },
  { id: 'job', label: 'Progress' },
  { id: 'history', label: 'History' },
  { id: 'automate', label: 'Automate' },
  { id: 'audit', label: 'Audit' },
];

/** A query parameter after the route (`#/export?template=builtin:gpx-mapping`). */
function hashParam(hash: string, name: string): string | undefined {
  const query = hash.split('?')[1];
  return query ? new URLSearchParams(query).get(name) ?? undefined : undefined;
}

function routeOf(hash: string): Route {
  // A query after the route (`#/history?export=ID`, from a push notification) is the screen's business.
  const id = hash.replace(/^#\/?/, '').split('?')[0];
  return (ROUTES.find((r) => r.id === id)?.id) ?? 'data';
}

export function App({ update }: { update?: () => void }) {
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  const [exportTemplateId, setExportTemplateId] = useState(() => hashParam(location.hash, 'template'));
  const [demo, setDemo] = useState<DemoLoadProgress>();
  const running = useRunningJobCount();

  useEffect(() => {
    const onHash = () => { setRoute(routeOf(location.hash)); setExportTemplateId(hashParam(location.hash, 'template')); };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => onDemoProgress(setDemo), []);
  useEffect(() => startBackgroundJobs(), []);
  useEffect(() => {
    document.title = `${ROUTES.find((r) => r.id === route)?.label} · Takeaway`;
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [route]);

  const go = (next: Route) => { location.hash = `#/${next}`; };
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <div className="brand"><img src="/icon.svg" alt="" width="28" height="28" /> <span>Takeaway</span></div>
        <nav aria-label="Screens">
          <ul>
            {ROUTES.map((r) => (
              <li key={r.id}>
                <a href={`#/${r.id}`} aria-current={route === r.id ? 'page' : undefined}>
                  {r.label}{r.id === 'job' && running > 0 ? ` (${running})` : ''}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {update && (
        <div className="banner" role="status">
          A new version is ready. <button type="button" onClick={update}>Reload</button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {route === 'data' && <DataScreen loading={demo} />}
        {route === 'export' && <ExportScreen templateId={exportTemplateId} onStarted={() => { void requestNotificationPermission().catch(() => undefined); go('job'); }} />}
        {route === 'job' && <JobScreen />}
        {route === 'history' && <HistoryScreen />}
        {route === 'automate' && <AutomateScreen />}
        {route === 'audit' && <AuditScreen />}
      </main>
      <footer className="foot muted">Saving with: {defaultSaveMethod.label}. Works offline; your data never leaves this device.</footer>
    </>
  );
}
