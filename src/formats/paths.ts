// Safe, readable file names for zip entries: `2025-03-01_0712_morning-run`, valid on Windows, macOS and Linux.

import type { Activity } from '../model/records.ts';

/** Device names Windows reserves whatever the extension (`CON`, `nul.csv`, `COM1.2024.csv`); also with superscript digits. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])$/i;

/**
 * A zip entry path that every file system can hold: in each segment, a name Windows reserves before its first
 * dot gets `_` after it (`records/CON.csv` → `records/CON_.csv`), and trailing dots and spaces, which Windows
 * strips, become `_`. Applied once to every entry path, by the engine's `UniquePaths`.
 */
export function portablePath(entryPath: string): string {
  return entryPath.split('/').map(portableSegment).join('/');
}

function portableSegment(segment: string): string {
  const trimmed = segment.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length));
  const dot = trimmed.indexOf('.');
  const stem = dot === -1 ? trimmed : trimmed.slice(0, dot);
  return WINDOWS_RESERVED.test(stem.trimEnd()) ? `${stem}_${trimmed.slice(stem.length)}` : trimmed;
}

/** Lowercase ASCII slug of a name: accents folded, anything else becomes `-`, at most `maxLength` characters. */
export function slugify(name: string, maxLength = 60): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  if (!slug || WINDOWS_RESERVED.test(slug)) return slug ? `${slug}-file` : 'untitled';
  return slug;
}

/** `YYYY-MM-DD_HHMM` of an instant in local time at the given offset. */
export function localStamp(timeMs: number, utcOffsetMin: number): string {
  const iso = new Date(timeMs + utcOffsetMin * 60_000).toISOString();
  return `${iso.slice(0, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** Base file name (no extension) of an activity's file. */
export function activityBaseName(activity: Activity): string {
  return `${localStamp(activity.startTimeMs, activity.utcOffsetMin)}_${slugify(activity.name || activity.sport)}`;
}
