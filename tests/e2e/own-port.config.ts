// The same Playwright setup on another port (E2E_PORT, default 4174), for running a few specs while another run holds 4173 on this shared machine.
// E2E_OUT_DIR serves a build made elsewhere (`npx vite build --outDir /tmp/x --emptyOutDir`), so parallel builds do not overwrite dist/.
import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import base from '../../playwright.config.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

const PORT = Number(process.env.E2E_PORT ?? 4174);
const OUT_DIR = process.env.E2E_OUT_DIR ? ` --outDir ${process.env.E2E_OUT_DIR}` : '';

export default defineConfig({
  ...base,
  testDir: '.',
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: { ...base.webServer, command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort${OUT_DIR}`, url: `http://127.0.0.1:${PORT}`, reuseExistingServer: false, timeout: 180_000, cwd: REPO_ROOT },
});
