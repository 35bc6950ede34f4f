// Where the app's demo data ends: today, so the range presets ("Last 7 days", "Last month") find records.

import { demoEndDay, demoEndToday } from '../demo/index.ts';

/**
 * The end (exclusive, epoch ms UTC) of the demo the app loads: the start of the current UTC day at `nowMs`, so
 * its last day is yesterday. `?demo-end=YYYY-MM-DD` in `search` names the end day instead (the end-to-end tests
 * pin 2026-11-01, the presets' own end, for stable dates). The data is the same for the same end day.
 */
export function demoEndMs(search: string, nowMs: number): number {
  const asked = new URLSearchParams(search).get('demo-end');
  return asked === null ? demoEndToday(nowMs) : demoEndDay(asked, '?demo-end');
}
