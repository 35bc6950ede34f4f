// A one-line progress bar on a terminal (nothing when stderr is not a TTY, so logs stay clean).

import type { ExportProgress } from '../engine/index.ts';
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
