// The same Playwright setup on another port (E2E_PORT, default 4174), for running a few specs while another run holds 4173 on this shared machine.
import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';
import base from '../../playwright.config.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

const PORT = Number(process.env.E2E_PORT ?? 4174);

export default defineConfig({
  ...base,
  testDir: '.',
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: { ...base.webServer, command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`, url: `http://127.0.0.1:${PORT}`, reuseExistingServer: false, timeout: 180_000, cwd: REPO_ROOT },
});
