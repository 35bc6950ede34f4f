// Stopping the CLI (Ctrl-C, `kill`, `timeout`, a closed terminal) leaves nothing unfinished on disk: files being
// written are registered here, and SIGINT, SIGTERM or SIGHUP removes them, says so and exits with 128 + the
// signal's number, as shells report a process killed by it. Removal is synchronous inside the handler, so no
// write or rename of ours can run in between.

import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { fileSink, partialPathOf } from '../node/file-sink.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const unfinished = new Set<string>();

/** Removes `path` if a signal stops the process before the returned `done` is called. */
export function removeIfInterrupted(path: string): () => void {
  unfinished.add(path);
  return () => { unfinished.delete(path); };
}

/** A file sink (`<path>.partial`, renamed when complete) whose partial file is removed when a signal stops the CLI. */
export function interruptibleFileSink(path: string): WritableStream<Uint8Array> {
  removeIfInterrupted(partialPathOf(path));
  return fileSink(path);
}

/** Installs the handlers; `say` prints one line (the CLI's escaped stderr). */
export function exitCleanlyOnSignals(say: (line: string) => void): void {
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      const removed = [...unfinished].filter(removeFile);
      if (process.stderr.isTTY) process.stderr.write('\n'); // past the progress bar
      say(`takeaway: stopped by ${signal}; ${removed.length ? `removed the unfinished ${removed.join(', ')}` : 'nothing unfinished was left'}`);
      process.exit(128 + constants.signals[signal]);
    });
  }
  // Any other way out (an uncaught error included) removes them too; finished files are no longer registered.
  process.on('exit', () => { for (const path of unfinished) removeFile(path); });
}

function removeFile(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch {
    return false;
  }
}
