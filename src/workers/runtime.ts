// What a browser worker that runs the engine installs once at start (the export and background-jobs workers):
// zip.js compressing inline (the worker is already off the main thread, and two jobs fill both cores) and the
// codec-worker pool as the engine's whole-entry codec. tests/node/runtime-install.test.ts checks both call it.

import { configure } from '@zip.js/zip.js';
import { setWholeEntryCodec } from '../engine/entry-codec.ts';
import { browserCodecPool } from './browser-codec-pool.ts';

export function installWorkerRuntime(): void {
  configure({ useWebWorkers: false });
  // Small entries are read ahead and compressed whole in codec workers (see browser-codec-pool.ts), on the other cores.
  setWholeEntryCodec(browserCodecPool());
}
