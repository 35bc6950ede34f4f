// The demo dataset: cheap activity metadata, lazily generated tracks, health and generic records, and a
// RecordSource over all of it. Nothing here reads a clock or Math.random.

import { compareRecords, MemoryRecordSource } from '../model/memory-source.ts';
import type { Activity, RecordKind, RecordOfKind, TakeawayRecord, TrackChunk } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import { buildCalendar, type DemoDay } from './calendar.ts';
import { generateGenericRecords } from './generic.ts';
import { generateSleeps, generateSteps, generateWeights } from './health.ts';
import { resolveDemoOptions, type DemoOptions, type ResolvedDemoOptions } from './options.ts';
import { planActivities, type ActivityPlan } from './plan.ts';
import { pauseStartOffsetMs, summarizeTrack } from './summary.ts';
import { generateTrack } from './track.ts';

/** A generated dataset. Activities and records are made on first use and kept; tracks are never kept. */
export interface DemoDataset {
  readonly options: ResolvedDemoOptions;
  /** All activities, oldest first, with totals and laps computed from their tracks (one lazy pass on first call). */
  activities(): Activity[];
  /** An activity's samples in chunks of `TRACK_CHUNK_SIZE`, made afresh on every call; identical every time. */
  trackSync(activity: Activity | string): Iterable<TrackChunk>;
  /** The same as `trackSync`, as an async iterable (what `RecordSource.track` returns). */
  track(activity: Activity | string): AsyncIterable<TrackChunk>;
  /** All records of a kind, oldest first (health kinds are empty when `includeHealth` is false). */
  records<K extends RecordKind>(kind: K): RecordOfKind<K>[];
  /** Total samples over all activities (without generating them). */
  totalSampleCount(): number;
}

/** Makes a dataset from options; see `DemoOptions` for the defaults, `DEMO_YEAR_OPTIONS` and `DEMO_SMALL_OPTIONS` for presets. */
export function createDemoDataset(options: Partial<DemoOptions> = {}): DemoDataset {
  return new GeneratedDataset(resolveDemoOptions(options));
}

class GeneratedDataset implements DemoDataset {
  readonly options: ResolvedDemoOptions;
  private readonly calendar: DemoDay[];
  private readonly plans: ActivityPlan[];
  private readonly planById: Map<string, ActivityPlan>;
  private activityList: Activity[] | undefined;
  private readonly recordLists = new Map<RecordKind, TakeawayRecord[]>();

  constructor(options: ResolvedDemoOptions) {
    this.options = options;
    this.calendar = buildCalendar(options);
    this.plans = planActivities(options, this.calendar).filter((plan) => plan.startTimeMs < options.endMs);
    this.planById = new Map(this.plans.map((plan) => [plan.id, plan]));
  }

  activities(): Activity[] {
    this.activityList ??= this.plans.map((plan) => toActivity(plan));
    return this.activityList;
  }

  trackSync(activity: Activity | string): Iterable<TrackChunk> {
    const id = typeof activity === 'string' ? activity : activity.id;
    const plan = this.planById.get(id);
    if (!plan) throw new RangeError(`no demo activity with id ${JSON.stringify(id)}`);
    return { [Symbol.iterator]: () => generateTrack(plan) };
  }

  async *track(activity: Activity | string): AsyncIterable<TrackChunk> {
    yield* this.trackSync(activity);
  }

  records<K extends RecordKind>(kind: K): RecordOfKind<K>[] {
    if (kind === 'activity') return this.activities() as RecordOfKind<K>[];
    let list = this.recordLists.get(kind);
    if (!list) {
      list = this.generate(kind).sort(compareRecords);
      this.recordLists.set(kind, list);
    }
    return list as RecordOfKind<K>[];
  }

  totalSampleCount(): number {
    return this.plans.reduce((sum, plan) => sum + plan.sampleCount, 0);
  }

  private generate(kind: Exclude<RecordKind, 'activity'>): TakeawayRecord[] {
    const { seed, includeHealth, genericCount, endMs } = this.options;
    switch (kind) {
      case 'steps': {
        if (!includeHealth) return [];
        const distanceById = new Map(this.activities().map((a) => [a.id, a.totals.distanceM ?? 0]));
        return generateSteps(seed, this.calendar, this.plans, distanceById);
      }
      case 'weight': return includeHealth ? generateWeights(seed, this.calendar).filter((w) => w.timestampMs < endMs) : [];
      case 'sleep': return includeHealth ? generateSleeps(seed, this.calendar).filter((s) => s.endTimeMs <= endMs) : [];
      case 'record': return generateGenericRecords(seed, this.calendar, genericCount).filter((r) => r.timestampMs < endMs);
    }
  }
}

function toActivity(plan: ActivityPlan): Activity {
  const summary = summarizeTrack(plan, generateTrack(plan));
  const endTimeMs = plan.startTimeMs + summary.totals.elapsedS * 1000;
  const activity: Activity = {
    kind: 'activity',
    id: plan.id,
    source: 'demo',
    updatedAtMs: endTimeMs + 120_000,
    sport: plan.profile.sport,
    subSport: plan.profile.subSport,
    name: plan.name,
    startTimeMs: plan.startTimeMs,
    utcOffsetMin: plan.utcOffsetMin,
    timeZone: plan.base.timeZone,
    totals: summary.totals,
    device: { ...plan.device },
    tags: [...plan.tags],
    category: plan.category,
    laps: summary.laps,
    pauses: plan.pauses.map((pause) => {
      const startMs = plan.startTimeMs + pauseStartOffsetMs(plan, pause.afterIndex);
      return { startMs, endMs: startMs + pause.durationMs };
    }),
    sampleCount: summary.sampleCount,
    channels: [...plan.profile.channels],
  };
  if (plan.notes !== undefined) activity.notes = plan.notes;
  return activity;
}

/**
 * A RecordSource over a demo dataset: records filtered with `matchesFilter` and ordered by time then id,
 * tracks generated on the fly (so a 10 M-sample dataset streams in constant memory).
 */
export class DemoRecordSource implements RecordSource {
  private readonly dataset: DemoDataset;
  private memory: MemoryRecordSource | undefined;

  constructor(dataset: DemoDataset) {
    this.dataset = dataset;
  }

  records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize?: number): AsyncIterable<RecordOfKind<K>[]> {
    return this.source().records(kind, filter, batchSize);
  }

  track(activity: Activity): AsyncIterable<TrackChunk> {
    return this.dataset.track(activity);
  }

  count(kind: RecordKind, filter: RecordFilter): Promise<number> {
    return this.source().count(kind, filter);
  }

  private source(): MemoryRecordSource {
    this.memory ??= new MemoryRecordSource(
      (['activity', 'steps', 'weight', 'sleep', 'record'] as const).flatMap((kind) => this.dataset.records(kind)),
      (activity) => this.dataset.track(activity),
    );
    return this.memory;
  }
}
