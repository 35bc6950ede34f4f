// README.txt at the top of every export: what each folder holds, in plain words.

import type { ExportRequest } from '../model/request.ts';
import { APP_VERSION } from './manifest.ts';

export const README_PATH = 'README.txt';

/** README.txt of an export of `request` (the request as recorded, i.e. redacted). */
export function readmeText(request: ExportRequest): string {
  return buildReadmeText(request, APP_VERSION);
}

export function buildReadmeText(request: ExportRequest, appVersion: string): string {
  const created = new Date(request.createdAtMs).toISOString();
  const { fromMs, toMs } = request.filter.range ?? {};
  const period = `${fromMs === undefined ? 'the beginning' : new Date(fromMs).toISOString().slice(0, 10)} to ${
    toMs === undefined ? 'now' : new Date(toMs).toISOString().slice(0, 10)}`;
  return [
    'Takeaway export',
    '===============',
    '',
    `Created ${created} by Takeaway ${appVersion}, covering ${period}.`,
    '',
    'What is inside',
    '  activities/fit/      Garmin FIT activity files (one per activity): best for watches and training platforms.',
    '  activities/tcx/      Training Center XML (TCX v2) files with laps, heart rate, cadence, speed and power.',
    '  activities/gpx/      GPX 1.1 tracks for mapping tools (activities without GPS have no GPX file).',
    '  activities/*.csv     A summary table of all activities; samples/ holds per-activity sample tables if chosen.',
    '  health/              Daily steps, weight and sleep as CSV tables.',
    '  records/             Generic records (time entries, transactions…), one CSV table per type.',
    '  json/, xml/          The same data as JSON (lossless, re-importable) and XML.',
    '  reports/             PDF report and Excel workbook, if chosen.',
    '  originals/           The device files you imported, unchanged, if chosen.',
    '',
    'Checking the archive',
    '  manifest.json lists every file with its size and SHA-256, the counts per kind and format, the request',
    '  that made this export, any record that failed with the reason ("skipped": the export is then partial),',
    '  and per format any record it cannot carry by design, such as an activity without GPS in GPX ("leftOut").',
    '  SHA256SUMS holds the same hashes for the command line:  sha256sum -c SHA256SUMS',
    '',
    'Times are ISO 8601. CSV tables show local time with its UTC offset and a separate UTC column.',
    '',
  ].join('\n');
}
