// A previous Takeaway export, restored exactly: checked against its manifest first, then every record and track
// read back from its lossless json/*.json files (src/formats/json/README.md).

import { verifyExport } from '../engine/verify.ts';
import type { Manifest } from '../engine/manifest.ts';
import { CHANNELS, type Activity, type TrackChunk } from '../model/records.ts';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import type { ImportItem } from './types.ts';
import type { InflateBudget } from './bytes.ts';
import { readZipMembers, zipReaderOf, type ZipSource } from './zip.ts';

/** The `format` and `version` a json/*.json file of ours carries. */
const JSON_FORMAT = 'takeaway';
const JSON_VERSION = 1;
/** Problems named in the one error of an export failing its manifest check; the rest are counted. */
const MAX_PROBLEMS_LISTED = 10;

/** True when `manifestBytes` (an archive's root `manifest.json`) is a Takeaway export manifest. */
export function isTakeawayManifest(manifestBytes: Uint8Array): boolean {
  try {
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Partial<Manifest> | null;
    return manifest?.schema === 'takeaway-export';
  } catch {
    return false;
  }
}

/**
 * Restores a Takeaway export zip. First `verifyExport` recomputes every file's size and SHA-256 against the
 * manifest: any mismatch yields one error item naming each problem and nothing is imported. Then each
 * `json/*.json` file listed in the manifest gives its records (activities with their tracks, re-cut into the
 * stored chunks) exactly as they were exported: ids, `updatedAtMs` and `source` included. An export
 * without JSON files cannot be restored exactly and yields an error. Records failing validation yield errors.
 */
export async function* importTakeawayExport(name: string, source: ZipSource, budget: InflateBudget, signal?: AbortSignal): AsyncIterable<ImportItem> {
  const report = await verifyExport(zipReaderOf(source), { signal });
  if (!report.ok || !report.manifest) {
    const listed = report.problems.slice(0, MAX_PROBLEMS_LISTED).map((p) => `${p.path}: ${p.problem} (${p.detail})`);
    if (report.problems.length > MAX_PROBLEMS_LISTED) listed.push(`and ${report.problems.length - MAX_PROBLEMS_LISTED} more problems`);
    const problems = listed.join('; ');
    yield { type: 'error', file: name, message: `${name}: Takeaway export fails its manifest check, nothing imported: ${problems}` };
    return;
  }
  const jsonPaths = new Set(report.manifest.files.filter((f) => f.format === 'json').map((f) => f.path));
  if (jsonPaths.size === 0) {
    yield { type: 'error', file: name, message: `${name}: this Takeaway export has no JSON files, so it cannot be restored exactly; export again with the JSON format` };
    return;
  }
  for await (const member of readZipMembers(source, budget, signal)) {
    if (!jsonPaths.has(member.path)) continue;
    const file = `${name}/${member.path}`;
    if ('error' in member) {
      yield { type: 'error', file, message: `${file}: ${member.error}` };
      continue;
    }
    yield* restoreJsonFile(file, member.bytes, signal);
  }
}

interface JsonTrack {
  channels: string[];
  chunks: Record<string, unknown>[];
}

async function* restoreJsonFile(file: string, bytes: Uint8Array, signal?: AbortSignal): AsyncIterable<ImportItem> {
  let body: { format?: unknown; version?: unknown; records?: unknown };
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as typeof body;
  } catch (error) {
    yield { type: 'error', file, message: `${file}: not JSON (${(error as Error).message})` };
    return;
  }
  if (body.format !== JSON_FORMAT || body.version !== JSON_VERSION || !Array.isArray(body.records)) {
    yield { type: 'error', file, message: `${file}: not a Takeaway JSON file of version ${JSON_VERSION} (format ${JSON.stringify(body.format)}, version ${JSON.stringify(body.version)})` };
    return;
  }
  for (const [position, raw] of (body.records as unknown[]).entries()) {
    signal?.throwIfAborted();
    const { track, ...fields } = (raw ?? {}) as { track?: JsonTrack } & Record<string, unknown>;
    const checked = validateRecord(fields, position);
    if (!checked.ok) {
      yield { type: 'error', file, message: `${file}: ${checked.error.message}` };
      continue;
    }
    const record = checked.value;
    if (record.kind !== 'activity') {
      yield { type: 'record', file, record };
      continue;
    }
    const chunks = restoreTrack(record, track);
    if (typeof chunks === 'string') yield { type: 'error', file, message: `${file}: ${chunks}` };
    else yield { type: 'activity', file, activity: record, chunks };
  }
}

/** The stored chunks of an activity's JSON track, or the sentence saying why they cannot be. */
function restoreTrack(activity: Activity, track: JsonTrack | undefined): TrackChunk[] | string {
  if (!track || !Array.isArray(track.chunks)) {
    return activity.sampleCount === 0 ? [] : `activity ${activity.id}: track missing (sampleCount ${activity.sampleCount})`;
  }
  const chunks: TrackChunk[] = [];
  let startIndex = 0;
  for (const [seq, raw] of track.chunks.entries()) {
    const input: Record<string, unknown> = { activityId: activity.id, seq, startIndex, count: raw.count, timeMs: raw.timeMs };
    for (const channel of CHANNELS) if (raw[channel] !== undefined) input[channel] = raw[channel];
    const result = validateTrackChunk(input, activity);
    if (!result.ok) return result.error.message;
    chunks.push(result.value);
    startIndex += result.value.count;
  }
  if (startIndex !== activity.sampleCount) return `activity ${activity.id}: track has ${startIndex} samples, sampleCount says ${activity.sampleCount}`;
  return chunks;
}
