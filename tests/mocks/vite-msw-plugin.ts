// `npm run dev` only: serves msw's service worker script at /mockServiceWorker.js from node_modules, so the
// emulated records API can run in the browser without a copy of the script in public/ (which would ship in
// dist/ and be precached next to the app's own service worker).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/** The Vite plugin; `apply: 'serve'` keeps it out of builds. */
export function mswDevWorker(): Plugin {
  return {
    name: 'takeaway-msw-dev-worker',
    apply: 'serve',
    configureServer(server) {
      const script = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');
      server.middlewares.use('/mockServiceWorker.js', (_req, res) => {
        res.setHeader('content-type', 'text/javascript');
        res.end(readFileSync(script));
      });
    },
  };
}
