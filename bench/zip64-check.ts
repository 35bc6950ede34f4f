// Zip64 check (too big for the test suite): the engine writes a 4.5 GiB entry and an archive past 4 GiB
// through zip.js, then the outside tools (unzip -t, Python's zipfile via zipcheck.py --expect-zip64) and our
// verify read it back. Run: node --import tsx bench/zip64-check.ts [dir]   (needs ~5 GB of free disk)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runExport, verifyExport } from '../src/engine/index.ts';
import type { FormatEncoder } from '../src/formats/types.ts';
import { MemoryRecordSource } from '../src/model/memory-source.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../src/model/request.ts';
import { fileSink } from '../src/node/file-sink.ts';
import { withFileZipReader } from '../src/node/file-zip-reader.ts';
import { installNodeRuntime } from '../src/node/runtime.ts';

installNodeRuntime();

const ENTRY_BYTES = 4.5 * 2 ** 30;
const PIECE = 1 << 20;

// A stored "format" with one huge entry of pseudo-random bytes: the point is the zip structure, not the encoder.
const bigEntry: FormatEncoder = {
  id: 'fit', kinds: ['activity'], isCompressible: false,
  size: { bytesPerFile: ENTRY_BYTES, bytesPerRecord: 0, bytesPerSample: 0 },
  lostChannels: () => [], lostFeatures: [],
  async *entries() {
    yield {
      path: 'big/entry.bin', modifiedMs: Date.UTC(2026, 10, 24), recordCounts: {},
      content: (async function* () {
        let x = 2463534242;
        for (let written = 0; written < ENTRY_BYTES; written += PIECE) {
          const piece = new Uint32Array(PIECE / 4);
          for (let i = 0; i < piece.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; piece[i] = x >>> 0; }
          yield new Uint8Array(piece.buffer);
        }
      })(),
    };
  },
};

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'takeaway-zip64-'));
const out = join(dir, 'zip64.zip');
const started = performance.now();
await runExport({ createdAtMs: Date.UTC(2026, 10, 24), filter: { kinds: ['activity'] }, formats: { activity: ['fit'] }, options: DEFAULT_EXPORT_OPTIONS },
  new MemoryRecordSource([]), fileSink(out), { registry: { fit: bigEntry } });
console.log(`wrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const unzip = spawnSync('unzip', ['-tq', out], { encoding: 'utf8' });
console.log(`unzip -t: exit ${unzip.status} ${unzip.stdout.trim()}`);
const zipcheck = spawnSync('/usr/bin/python3', [resolve(import.meta.dirname, '../../shared/validators/zipcheck.py'), out, '--expect-zip64'], { encoding: 'utf8' });
console.log(`zipcheck --expect-zip64: exit ${zipcheck.status}\n${zipcheck.stdout.trim()}`);
const report = await withFileZipReader(out, (reader) => verifyExport(reader));
console.log(`verify: ${report.ok ? 'ok' : JSON.stringify(report.problems)} (${report.filesChecked} files)`);
if (!process.argv[2]) rmSync(dir, { recursive: true, force: true });
process.exitCode = unzip.status === 0 && zipcheck.status === 0 && report.ok ? 0 : 1;
