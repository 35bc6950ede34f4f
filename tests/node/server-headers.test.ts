// The Node server sends the app's security headers (from public/_headers) on every response and never
// serves /_headers itself (issue 19, item 4).

import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecurityHeaders } from '../../src/server/security-headers.ts';
import { ServerProcess, repoRoot } from './server-fixtures.ts';

describe('server security headers', () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'takeaway-headers-'));
    const staticDir = path.join(dir, 'static');
    await import('node:fs/promises').then((fs) => fs.mkdir(staticDir));
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    await copyFile(path.join(repoRoot, 'public/_headers'), path.join(staticDir, '_headers'));
    server = new ServerProcess(path.join(dir, 'data'), { TAKEAWAY_STATIC_DIR: staticDir });
    await server.start();
  }, 60_000);

  afterAll(async () => {
    await server?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the CSP, frame-ancestors, nosniff and Referrer-Policy of public/_headers', async () => {
    const expected = loadSecurityHeaders();
    expect(expected['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    for (const p of ['/', '/index.html', '/healthz', '/api/exports']) {
      const res = await server.fetch(p, undefined);
      await res.arrayBuffer();
      for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name), `${p} ${name}`).toBe(value);
    }
    const res = await server.fetch('/', undefined);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('never serves /_headers', async () => {
    const res = await server.fetch('/_headers', undefined);
    const text = await res.text();
    expect(res.status).toBe(404);
    expect(text).not.toContain('Content-Security-Policy');
  });
});
