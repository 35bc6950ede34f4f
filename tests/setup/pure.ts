// The unit tier's promise, kept: with TAKEAWAY_PURE_TESTS=1 (`npm run test:unit`), a test that starts an outside
// program fails and says to tag it `tools`, so the pure tier stays in-process and fast.

import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

if (process.env.TAKEAWAY_PURE_TESTS === '1') {
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
    Object.defineProperty(childProcess, name, {
      configurable: true,
      value: (command: unknown) => {
        throw new Error(`a unit test ran ${String(command)} (child_process.${name}); tag the test { tags: ['tools'] } (vitest.config.ts)`);
      },
    });
  }
  syncBuiltinESMExports();
}
