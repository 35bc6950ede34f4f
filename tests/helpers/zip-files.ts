// Test helpers: collect a stream into bytes, write temp files, and run the outside tools on them.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { concatBytes } from '../../src/model/streams.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(REPO_ROOT, '../shared');
export const VALIDATORS = join(SHARED, 'validators');

/** A sink that gathers everything written to it, and remembers whether it was closed or aborted. */
export function memorySink(): { sink: WritableStream<Uint8Array>; bytes(): Uint8Array; state: { closed: boolean; aborted: unknown } } {
  const parts: Uint8Array[] = [];
  const state = { closed: false, aborted: undefined as unknown };
  const sink = new WritableStream<Uint8Array>({
    write(chunk) { parts.push(chunk.slice()); },
    close() { state.closed = true; },
    abort(reason) { state.aborted = reason ?? 'aborted'; },
  });
  return {
    sink,
    state,
    bytes() {
      return concatBytes(parts);
    },
  };
}

export function tempFile(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'takeaway-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
