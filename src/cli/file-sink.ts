// A WritableStream onto a file that only appears under its name once complete: bytes go to `<name>.partial`,
// which is renamed on close and deleted on abort, so a failed or cancelled export never looks finished.

import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';

export function fileSink(path: string): WritableStream<Uint8Array> {
  const partialPath = `${path}.partial`;
  const out = createWriteStream(partialPath);
  let failure: Error | undefined;
  out.on('error', (error) => { failure = error; });
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      if (failure) throw failure;
      // events.once rejects if the stream emits 'error' while we wait for 'drain'.
      if (!out.write(chunk)) await once(out, 'drain');
    },
    async close() {
      out.end();
      await once(out, 'finish');
      if (failure) throw failure;
      await rename(partialPath, path);
    },
    async abort() {
      out.destroy();
      await rm(partialPath, { force: true });
    },
  });
}
