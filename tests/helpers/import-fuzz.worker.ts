// Worker side of the import fuzz suite: imports each case through the real importer and reports what came out,
// case by case, so the test's watchdog can tell which case hung and start a fresh worker after it.

import { parentPort, workerData } from 'node:worker_threads';
import { importFiles } from '../../src/import/index.ts';
import { validateRecord, validateTrackChunk } from '../../src/model/validate.ts';
import type { Activity } from '../../src/model/records.ts';

export interface FuzzCase {
  name: string;
  label: string;
  bytes: Uint8Array;
}
export interface FuzzReport {
  type: 'begin' | 'end';
  index: number;
  outcome?: 'imported' | 'refused';
  problems?: string[];
}

/** What a JavaScript runtime says about a bug in our code, never what a user should read about their file. */
const RUNTIME_WORDING = /TypeError|ReferenceError|Cannot read prop|Cannot set prop|is not a function|is not iterable|is not defined|\bundefined\b|Invalid array length|Invalid typed array length|Maximum call stack|outside the bounds|out of bounds|allocation failed|INTERNAL|\[object /;

async function check(fuzzCase: FuzzCase): Promise<Required<Pick<FuzzReport, 'outcome' | 'problems'>>> {
  const problems: string[] = [];
  let imported = 0;
  try {
    for await (const item of importFiles([{ name: fuzzCase.name, bytes: fuzzCase.bytes }], { nowMs: Date.UTC(2026, 0, 1) })) {
      if (item.type === 'error') {
        if (RUNTIME_WORDING.test(item.message)) problems.push(`refused in the runtime's words, not ours: ${item.message}`);
        continue;
      }
      imported++;
      if (item.type === 'record') {
        const result = validateRecord(item.record);
        if (!result.ok) problems.push(`imported an invalid ${item.record.kind}: ${result.error.message}`);
        continue;
      }
      const result = validateRecord(item.activity);
      if (!result.ok) problems.push(`imported an invalid activity: ${result.error.message}`);
      let samples = 0;
      for (const chunk of item.chunks) {
        const chunkResult = validateTrackChunk(chunk, item.activity as Activity);
        if (!chunkResult.ok) problems.push(`imported an invalid track chunk: ${chunkResult.error.message}`);
        samples += chunk.count;
      }
      if (samples !== item.activity.sampleCount) problems.push(`activity says ${item.activity.sampleCount} samples, its chunks hold ${samples}`);
    }
  } catch (error) {
    problems.push(`importFiles threw instead of yielding an error item: ${(error as Error)?.stack ?? String(error)}`);
  }
  return { outcome: imported > 0 ? 'imported' : 'refused', problems };
}

const { cases, first } = workerData as { cases: FuzzCase[]; first: number };
for (let index = first; index < cases.length; index++) {
  parentPort!.postMessage({ type: 'begin', index } satisfies FuzzReport);
  parentPort!.postMessage({ type: 'end', index, ...(await check(cases[index])) } satisfies FuzzReport);
}
