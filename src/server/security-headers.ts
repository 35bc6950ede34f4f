// The app's security headers for the Node server, read from public/_headers — the one place the policy is
// written (vite.config.ts and static hosts use the same values; tests/node/privacy-csp.test.ts keeps them equal).

import { readFileSync } from 'node:fs';
import path from 'node:path';

const HEADERS_FILE = path.resolve(import.meta.dirname, '../../public/_headers');

/** Parses the `/*` block of a Netlify/Cloudflare `_headers` file into name → value pairs. */
export function parseHeadersFile(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let inAll = false;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(raw)) { inAll = raw.trim() === '/*'; continue; }
    if (!inAll) continue;
    const colon = raw.indexOf(':');
    if (colon > 0) headers[raw.slice(0, colon).trim()] = raw.slice(colon + 1).trim();
  }
  return headers;
}

/** The headers every response of the Node server carries. */
export function loadSecurityHeaders(file = HEADERS_FILE): Record<string, string> {
  const headers = parseHeadersFile(readFileSync(file, 'utf8'));
  if (!headers['Content-Security-Policy']) throw new Error(`${file} has no Content-Security-Policy for /*`);
  return headers;
}
