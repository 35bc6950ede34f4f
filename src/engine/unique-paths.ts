// Keeps zip entry paths unique, case-insensitively (Windows and macOS file systems ignore case), and portable
// (no name Windows reserves): every entry path of a plan and a run passes through here.

import { portablePath } from '../formats/paths.ts';

export class UniquePaths {
  private readonly taken = new Set<string>();

  /** Returns `path` made portable, with `-2`, `-3`… before its extension when already taken. */
  claim(requested: string): string {
    const path = portablePath(requested);
    let candidate = path;
    const dot = path.lastIndexOf('.');
    const hasExtension = dot > path.lastIndexOf('/') + 1;
    const stem = hasExtension ? path.slice(0, dot) : path;
    const extension = hasExtension ? path.slice(dot) : '';
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
