// Hostile-input fuzz (issue 19): seeded mutations of real device files from the shared corpus, each imported
// through the real importer in a worker thread with its own time limit. Every case must either import valid
// records or be refused in words; a hang, a crash, a runtime error message or an invalid record is a failure
// printed with its seed and mutation, so `FUZZ_SEED=<seed> npx vitest run tests/node/import-fuzz.test.ts` replays it.
// FUZZ_CASES raises the number of mutations per file for a longer local run.

import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BlobWriter, Uint8ArrayReader, ZipWriter } from '@zip.js/zip.js';
import { readCorpus } from '../../src/import/corpus.test-helper.ts';
import { isSingleFit, mutate, seededRandom, withFitChecksumsRepaired } from '../helpers/mutations.ts';
import type { FuzzCase, FuzzReport } from '../helpers/import-fuzz.worker.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const CASES_PER_FILE = Number(process.env.FUZZ_CASES ?? 60);
/** Far above what any of these small files takes (tens of milliseconds); a case past it is a hang. */
const CASE_LIMIT_MS = 20_000;
const BOOT = new URL('../../src/server/worker-boot.mjs', import.meta.url);
const ENTRY = new URL('../helpers/import-fuzz.worker.ts', import.meta.url).href;

/** Small files of each kind, so many mutations fit in a few seconds. */
const SOURCES: { folder: string; name: string }[] = [
  { folder: 'fit', name: 'fenix5-run.fit' },
  { folder: 'fit', name: 'fr920xt-pool-swim.fit' },
  { folder: 'fit', name: 'vivoactivehr-run-2067489619.fit' },
  { folder: 'fit', name: 'indoor-trainer-nogps.fit' },
  { folder: 'fit', name: 'chained-multiple-headers.fit' },
  { folder: 'gpx', name: 'ecc.gpx' },
  { folder: 'gpx', name: 'garmin-connect-export.gpx' },
  { folder: 'tcx', name: 'kona2013.tcx' },
];

async function zipOf(name: string, bytes: Uint8Array): Promise<Uint8Array> {
  const writer = new ZipWriter(new BlobWriter('application/zip'));
  await writer.add(name, new Uint8ArrayReader(bytes));
  return new Uint8Array(await (await writer.close()).arrayBuffer());
}

async function buildCases(): Promise<FuzzCase[]> {
  const random = seededRandom(SEED);
  const originals: FuzzCase[] = SOURCES.map(({ folder, name }) => ({ name, label: 'original', bytes: readCorpus(folder, name) }));
  const gpx = originals.find((c) => c.name === 'ecc.gpx')!;
  const fit = originals.find((c) => c.name === 'fenix5-run.fit')!;
  originals.push({ name: 'ecc.gpx.gz', label: 'original', bytes: new Uint8Array(gzipSync(gpx.bytes)) });
  originals.push({ name: 'bundle.zip', label: 'original', bytes: await zipOf('fenix5-run.fit', fit.bytes) });
  const cases: FuzzCase[] = [];
  for (const original of originals) {
    const isText = /\.(gpx|tcx)$/.test(original.name);
    const repairable = original.name.endsWith('.fit') && isSingleFit(original.bytes);
    for (let i = 0; i < CASES_PER_FILE; i++) {
      const { label, bytes } = mutate(original.bytes, random, isText);
      // Every other FIT case gets its checksums repaired, so half reach the decoder and half test the door.
      if (repairable && i % 2 === 1) cases.push({ name: original.name, label: `${label}, checksums repaired`, bytes: withFitChecksumsRepaired(bytes) });
      else cases.push({ name: original.name, label, bytes });
    }
  }
  return cases;
}

interface Finding {
  fuzzCase: FuzzCase;
  problems: string[];
}

/** Runs the cases in one worker at a time; a case past its limit (or a worker that dies) is a finding, and the rest go on in a fresh worker. */
async function runCases(cases: FuzzCase[]): Promise<{ findings: Finding[]; outcomes: Record<string, number> }> {
  const findings: Finding[] = [];
  const outcomes: Record<string, number> = { imported: 0, refused: 0 };
  let next = 0;
  while (next < cases.length) {
    next = await new Promise<number>((resolve) => {
      const worker = new Worker(BOOT, { workerData: { entry: ENTRY, cases, first: next }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
      let current = next;
      let watchdog: NodeJS.Timeout | undefined;
      const stop = (problem: string): void => {
        clearTimeout(watchdog);
        findings.push({ fuzzCase: cases[current], problems: [problem] });
        void worker.terminate();
        resolve(current + 1);
      };
      worker.on('message', (report: FuzzReport) => {
        if (report.type === 'begin') {
          current = report.index;
          clearTimeout(watchdog);
          watchdog = setTimeout(() => stop(`no answer within ${CASE_LIMIT_MS / 1000} s (a hang)`), CASE_LIMIT_MS);
          return;
        }
        clearTimeout(watchdog);
        outcomes[report.outcome!]++;
        if (report.problems!.length) findings.push({ fuzzCase: cases[report.index], problems: report.problems! });
        if (report.index === cases.length - 1) {
          void worker.terminate();
          resolve(cases.length);
        }
      });
      worker.on('error', (error) => stop(`the worker died: ${error.message}`));
      worker.on('exit', (code) => {
        if (code !== 0 && code !== 1) stop(`the worker exited with ${code}`);
      });
    });
  }
  return { findings, outcomes };
}

describe(`import fuzz: ${CASES_PER_FILE} seeded mutations of each of ${SOURCES.length + 2} corpus files (seed ${SEED})`, () => {
  it('imports valid records or refuses in words, never hangs, crashes or speaks in runtime errors', async () => {
    const cases = await buildCases();
    const { findings, outcomes } = await runCases(cases);
    const report = findings.map(({ fuzzCase, problems }) => `${fuzzCase.name} (${fuzzCase.label}): ${problems.join('; ')}`);
    expect(report).toEqual([]);
    // The mutations must bite: some cases refused, some still imported (a one-bit flip in a track usually is).
    expect(outcomes.refused).toBeGreaterThan(cases.length / 10);
    expect(outcomes.imported).toBeGreaterThan(cases.length / 20);
    expect(outcomes.imported + outcomes.refused + findings.filter((f) => f.problems[0].startsWith('no answer') || f.problems[0].startsWith('the worker')).length).toBe(cases.length);
  }, 20 * 60_000);
});
