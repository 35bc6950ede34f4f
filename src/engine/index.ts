// The engine's public face: plan, run and verify an export.

export { planExport, type ExportPlan, type PlannedFile, type PlannedFormat, type PlanOptions } from './plan.ts';
export { APP_VERSION } from './manifest.ts';
export { runExport, type EntryWritten, type ExportResult, type RunOptions } from './run.ts';
export { verifyExport, type VerifyOptions, type VerifyProblem, type VerifyReport, type VerifySpool, type ZipSource } from './verify.ts';
export { LOCKED_TEXT, type VerifyLock } from './verify-words.ts';
export { FORMAT_ORDER, type FormatRegistry } from './format-order.ts';
export type { ExportProgress, ProgressListener } from './progress.ts';
export { leftOutCount, summariseManifest, type Manifest, type ManifestFile, type ManifestSummary } from './manifest.ts';
