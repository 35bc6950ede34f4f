// Public entry of the demo data generator: seeded, deterministic, lazy about tracks.

export { createDemoDataset, DemoRecordSource, type DemoDataset } from './dataset.ts';
export { DEMO_END_MS, DEMO_SMALL_OPTIONS, DEMO_YEAR_OPTIONS, resolveDemoOptions, type DemoOptions, type ResolvedDemoOptions } from './options.ts';
export { utcOffsetMinAt } from './time-zones.ts';
export { demoEndDay, demoEndToday } from './end-day.ts';
