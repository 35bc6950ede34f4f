// What a Node process that runs the engine installs once at start (the CLI, the server's export worker, the
// benchmarks): node:crypto as its SHA-256 and the codec-thread pool as its whole-entry codec. One call per entry
// point; tests/node/runtime-install.test.ts checks every entry point makes it.

import { installNodeEntryCodec } from './entry-codec.ts';
import { installNodeSha256 } from './sha256.ts';

export function installNodeRuntime(): void {
  installNodeSha256();
  installNodeEntryCodec();
}
