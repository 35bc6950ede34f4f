// A one-line progress bar on a terminal (nothing when stderr is not a TTY, so logs stay clean).

import type { ExportProgress } from '../engine/index.ts';
import { importEta } from '../import/import-progress.ts';
import type { ImportProgress } from '../import/types.ts';
import { printable } from '../model/printable.ts';

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ((p: ExportProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  return (p) => {
    const width = 30;
    const filled = Math.round(p.fraction * width);
    const eta = p.etaS === undefined ? '' : ` ETA ${p.etaS}s`;
    const name = printable(p.currentFile);
    const file = name.length > 40 ? `…${name.slice(-39)}` : name;
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)}% `
      + `${(p.bytesOut / 1e6).toFixed(1)} MB${eta} ${file}`.padEnd(70).slice(0, 70));
    if (p.fraction >= 1) stream.write('\n');
  };
}

/**
 * Import progress on a terminal: bytes of the input read, the rate and an ETA, on one line (nothing when stderr is
 * not a TTY). The ETA is the bytes left at the mean rate so far, shown once a second of reading has passed.
 */
export function importProgress(stream: NodeJS.WriteStream = process.stderr, nowMs: () => number = () => performance.now()): ((p: ImportProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  const startMs = nowMs();
  return (p) => {
    stream.write(`\r${importProgressLine(p, (nowMs() - startMs) / 1000)}`.padEnd(80).slice(0, 80));
    if (p.totalBytes > 0 && p.bytesRead >= p.totalBytes) stream.write('\n');
  };
}

/** `reading export.zip: 412.0 of 1024.0 MB (40%), 61.2 MB/s, ETA 10s`; rate and ETA left out until a second has passed. */
export function importProgressLine(p: ImportProgress, elapsedS: number): string {
  const eta = importEta(p, elapsedS);
  const name = printable(p.file);
  const file = name.length > 30 ? `…${name.slice(-29)}` : name;
  let line = `reading ${file}: ${(p.bytesRead / 1e6).toFixed(1)}`;
  if (eta.fraction !== undefined) line += ` of ${(p.totalBytes / 1e6).toFixed(1)} MB (${Math.floor(eta.fraction * 100)}%)`;
  else line += ' MB';
  if (eta.bytesPerS !== undefined) line += `, ${(eta.bytesPerS / 1e6).toFixed(1)} MB/s`;
  if (eta.etaS !== undefined) line += `, ETA ${eta.etaS}s`;
  return line;
}
