// Loading demo data from the page: the size presets and the first-visit auto-load.

import { DEMO_SMALL_OPTIONS, DEMO_YEAR_OPTIONS } from '../demo/options.ts';
import type { DemoLoadProgress } from '../workers/api.ts';
import { bridge } from './services.ts';
import { demoEndMs } from './demo-anchor.ts';

export type DemoSize = 'small' | 'year';

const listeners = new Set<(progress: DemoLoadProgress | undefined) => void>();

/** Follows demo loading progress (undefined when none runs). */
export function onDemoProgress(listener: (progress: DemoLoadProgress | undefined) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Writes a demo dataset into the database (in the worker); returns the new counts. The size presets end today
 * (their last day is yesterday, see `demoEndMs`); options given in full keep their own end.
 */
export async function loadDemo(size: DemoSize | Partial<typeof DEMO_SMALL_OPTIONS>) {
  const options = typeof size === 'string'
    ? { ...(size === 'small' ? DEMO_SMALL_OPTIONS : DEMO_YEAR_OPTIONS), endMs: demoEndMs(location.search, Date.now()) }
    : size;
  try {
    return await bridge.loadDemo(options, (progress) => listeners.forEach((l) => l(progress)));
  } finally {
    listeners.forEach((l) => l(undefined));
  }
}

/**
 * On the very first visit the database is filled with a year of demo data so the first page has something
 * to count. `?demo=none|small|year` overrides it (the tests ask for none or small); clearing turns it off.
 */
export async function autoLoadDemo(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const asked = params.get('demo');
  // A visit that brings files to import is about those files, not the demo.
  if (asked === 'none' || params.has('import') || localStorage.getItem('takeaway.cleared') === '1') return;
  const summary = await bridge.summary();
  if (Object.values(summary).some((c) => c.count > 0)) return;
  await loadDemo(asked === 'small' ? 'small' : 'year');
}
