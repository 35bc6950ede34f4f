// `npm run dev` only: the emulated records API (tests/mocks/records-api.ts) in the browser through msw's
// service worker, on this origin, so "Sync now" on the Data screen syncs for real with the token `demo-token`.
// main.tsx imports this behind `import.meta.env.DEV`, so production builds contain none of it.

/** Starts msw's worker with the records API handlers; resolves once requests are intercepted. */
export async function startDevRecordsApi(): Promise<void> {
  const [{ setupWorker }, { createRecordsApi }] = await Promise.all([import('msw/browser'), import('../../tests/mocks/records-api.ts')]);
  const api = createRecordsApi({ baseUrl: `${location.origin}/`, token: 'demo-token', latencyMs: 120, hasMalformedRecords: true });
  await setupWorker(...api.handlers).start({ onUnhandledRequest: 'bypass', quiet: true, serviceWorker: { url: '/mockServiceWorker.js' } });
  (window as unknown as { recordsApi?: typeof api }).recordsApi = api;
}
