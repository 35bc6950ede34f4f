// Installs node:crypto as the engine's SHA-256 in Node processes (CLI, server workers, benchmarks).

import { createHash } from 'node:crypto';
import { setSha256Factory } from '../engine/sha256.ts';

export function installNodeSha256(): void {
  setSha256Factory(() => {
    const hash = createHash('sha256');
    return { update: (bytes) => { hash.update(bytes); }, digestHex: () => hash.digest('hex') };
  });
}
