// Where `takeaway verify --password-file` decrypts an encrypted export's inner zip: a temporary file, read back
// by range like any archive and deleted afterwards (the inner zip may be as big as the export).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerifySpool } from '../engine/verify.ts';
import { fileSink } from './file-sink.ts';
import { fileZipReader, type FileZipReader } from './file-zip-reader.ts';

export async function tempFileSpool(): Promise<VerifySpool> {
  const dir = await mkdtemp(join(tmpdir(), 'takeaway-verify-'));
  const path = join(dir, 'inner.zip');
  let reader: FileZipReader | undefined;
  return {
    writable: fileSink(path),
    reader: async () => (reader = await fileZipReader(path)),
    release: async () => {
      await reader?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
