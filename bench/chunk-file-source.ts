// A disk-backed RecordSource for benchmarks: demo tracks are written once to a file of serialized chunks
// and read back chunk by chunk, as a real store would serve them. Lets a 10M-sample export run without the
// samples ever sitting in memory, and keeps demo generation out of the measured export time.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { DemoDataset } from '../src/demo/index.ts';
import { MemoryRecordSource } from '../src/model/memory-source.ts';
import { RECORD_KINDS, type Activity, type TakeawayRecord, type TrackChunk } from '../src/model/records.ts';

export interface ChunkFile {
  source: MemoryRecordSource;
  samples: number;
  bytes: number;
  close(): void;
}

export function writeChunkFile(dataset: DemoDataset, path: string): ChunkFile {
  const fd = openSync(path, 'w+');
  const index = new Map<string, [offset: number, length: number][]>();
  let offset = 0;
  let samples = 0;
  for (const activity of dataset.activities()) {
    const entries: [number, number][] = [];
    for (const chunk of dataset.trackSync(activity)) {
      const bytes = serialize(chunk);
      writeSync(fd, bytes, 0, bytes.length, offset);
      entries.push([offset, bytes.length]);
      offset += bytes.length;
      samples += chunk.count;
    }
    index.set(activity.id, entries);
  }
  const records: TakeawayRecord[] = RECORD_KINDS.flatMap((kind) => dataset.records(kind));
  async function* track(activity: Activity): AsyncIterable<TrackChunk> {
    for (const [at, length] of index.get(activity.id) ?? []) {
      const buffer = Buffer.allocUnsafe(length);
      readSync(fd, buffer, 0, length, at);
      yield deserialize(buffer) as TrackChunk;
    }
  }
  return { source: new MemoryRecordSource(records, track), samples, bytes: offset, close: () => closeSync(fd) };
}
