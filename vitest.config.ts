import { defineConfig } from 'vitest/config';

// Tiers (package.json scripts; `npm test` runs them all through scripts/test.sh):
// - unit: `src/**/*.test.ts` not tagged `tools`: in-process, no outside programs (tests/setup/pure.ts enforces it);
// - tools: `src/**/*.test.ts` tagged `tools`: our output read back by programs we did not write;
// - node: `tests/node`: the CLI and the server as processes, across layers, on 127.0.0.1.
const shared = { environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } as const;

export default defineConfig({
  test: {
    tags: [{ name: 'tools', description: 'runs an outside program (xmllint, gpsbabel, unzip, qpdf, pdftotext, python validators)' }],
    projects: [
      { test: { ...shared, name: 'unit', include: ['src/**/*.test.ts'], exclude: ['**/*.browser.test.ts', 'node_modules/**'], setupFiles: ['tests/setup/pure.ts'] } },
      { test: { ...shared, name: 'node', include: ['tests/node/**/*.test.ts'], exclude: ['node_modules/**'] } },
    ],
  },
});
