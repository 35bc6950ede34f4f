// The 1M-sample export in a real Chromium worker into OPFS (`npm run bench -- --browser`; needs `vite build`).
// Starts `vite preview`, loads 100 activities × 10,000 samples into IndexedDB through the worker's demo
// loader (timed on its own), then runs FIT+GPX+TCX+CSV (with a samples CSV per activity) into OPFS twice:
// zip.js deflating inline in the export worker, and zip.js with web workers of its own. Prints a markdown
// table on stdout (bench/run.ts copies it into BENCHMARKS.md); progress goes to stderr.
//
// Memory: the resident set of the renderer process (page + export worker + zip.js workers), sampled every
// 100 ms from /proc, above its idle value after the load and a forced GC. measureUserAgentSpecificMemory
// needs a cross-origin-isolated page (COOP/COEP), which `vite preview` does not serve, so it is not used;
// CDP Performance.getMetrics gives the page's own JS heap, reported beside it.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: {
  port: { type: 'string', default: '4175' },
  activities: { type: 'string', default: '100' },
  samples: { type: 'string', default: '10000' },
  'node-seconds': { type: 'string' },
  runs: { type: 'string', default: '3' },
} });
const port = Number(values.port);
const baseUrl = `http://127.0.0.1:${port}`;
const activityCount = Number(values.activities);
const samplesPerActivity = Number(values.samples);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface RunFigures {
  label: string;
  seconds: number;
  samples: number;
  zipBytes: number;
  rssPeakAboveIdleBytes: number;
  /** CPU time of every process of the browser during the run (renderer with its workers, browser, storage). */
  cpuSeconds: number;
  pageHeapPeakAboveIdleBytes: number;
}

async function startPreview(): Promise<ChildProcess> {
  if (!existsSync(resolve(root, 'dist/index.html'))) throw new Error('dist/ is missing: run `npx vite build` first');
  const server = spawn(resolve(root, 'node_modules/.bin/vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i += 1) {
    if (await fetch(baseUrl).then((r) => r.ok, () => false)) return server;
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${baseUrl}`);
}

/** Resident set size of a process, bytes (Linux /proc). */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

interface ProcessEntry { pid: number; ppid: number; cmdline: string }

/** Every process of the browser started with `userDataDir`: the one whose command line names it and its descendants. */
function browserProcesses(userDataDir: string): ProcessEntry[] {
  const processes = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      return [{ pid: Number(name), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmdline }];
    } catch {
      return [];
    }
  });
  const family = new Set(processes.filter((p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes('--type=')).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of processes) if (family.has(p.ppid) && !family.has(p.pid)) { family.add(p.pid); grew = true; }
  }
  return processes.filter((p) => family.has(p.pid));
}

function rendererPids(userDataDir: string): number[] {
  return browserProcesses(userDataDir).filter((p) => p.cmdline.includes('--type=renderer')).map((p) => p.pid);
}

/** User + system CPU seconds used so far by the browser's processes (Linux /proc, 100 ticks a second). */
function browserCpuSeconds(): number {
  return browserProcesses(userDataDir).reduce((sum, { pid }) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return sum;
    }
  }, 0);
}

/** The renderer that hosts the page: the one whose RSS is largest after the demo load (the page and its worker). */
function largest(pids: number[]): number {
  return pids.map((pid) => ({ pid, rss: rssBytes(pid) })).sort((a, b) => b.rss - a.rss)[0].pid;
}

async function pageHeapBytes(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const { metrics } = await session.send('Performance.getMetrics');
  await session.detach();
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
}

async function collectGarbage(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  await session.detach();
}

type Hooks = {
  ready: Promise<unknown>;
  loadDemo(options: object): Promise<unknown>;
  bridge: {
    setZipWorkers(on: boolean): Promise<void>;
    runExport(job: object, onProgress: () => void): Promise<{ bytesWritten: number; records: number }>;
    deleteExport(id: string): Promise<void>;
  };
};

let firstIdleRss: number | undefined;

async function runOnce(page: Page, pid: number, label: string, useWebWorkers: boolean): Promise<RunFigures> {
  await collectGarbage(page);
  await new Promise((r) => setTimeout(r, 1000));
  // Above the idle before the first export: later runs start from what earlier ones left (live codec workers,
  // spare piece buffers), which belongs in the figure too.
  firstIdleRss ??= rssBytes(pid);
  const idleRss = firstIdleRss;
  const idleHeap = await pageHeapBytes(page);
  let peakRss = idleRss;
  let peakHeap = idleHeap;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(pid));
    void pageHeapBytes(page).then((h) => { peakHeap = Math.max(peakHeap, h); }, () => undefined);
  }, 100);
  const cpuBefore = browserCpuSeconds();
  const result = await page.evaluate(async (zipWorkers) => {
    const hooks = (window as unknown as { takeaway: Hooks }).takeaway;
    await hooks.bridge.setZipWorkers(zipWorkers);
    const jobId = crypto.randomUUID();
    const request = {
      createdAtMs: Date.UTC(2026, 10, 24, 12, 0, 0),
      filter: { kinds: ['activity'] },
      formats: { activity: ['fit', 'gpx', 'tcx', 'csv'] },
      options: { compressionLevel: 6, csv: { bom: false, formulaSafe: true, samples: true, maxRowsPerFile: 100_000 }, gpx: { dialect: 'garmin-tpx-v1' } },
    };
    const startMs = performance.now();
    const outcome = await hooks.bridge.runExport({ jobId, request, target: { kind: 'opfs' }, fileName: `bench-${jobId}.zip` }, () => undefined);
    const seconds = (performance.now() - startMs) / 1000;
    await hooks.bridge.deleteExport(jobId);
    return { seconds, zipBytes: outcome.bytesWritten };
  }, useWebWorkers);
  clearInterval(timer);
  const cpuSeconds = browserCpuSeconds() - cpuBefore;
  peakRss = Math.max(peakRss, rssBytes(pid));
  return {
    label, seconds: result.seconds, samples: activityCount * samplesPerActivity, zipBytes: result.zipBytes,
    rssPeakAboveIdleBytes: peakRss - idleRss, pageHeapPeakAboveIdleBytes: Math.max(0, peakHeap - idleHeap), cpuSeconds,
  };
}

/** The Node time of the same export: `--node-seconds`, else the 1,000,000-sample row of BENCHMARKS.md. */
function nodeSeconds(samples: number): number | undefined {
  if (values['node-seconds']) return Number(values['node-seconds']);
  const path = resolve(root, 'BENCHMARKS.md');
  if (!existsSync(path)) return undefined;
  const wanted = samples.toLocaleString('en-US');
  const section = readFileSync(path, 'utf8').split('## Export:')[1] ?? '';
  const row = section.split('\n').find((line) => line.startsWith(`| ${wanted} |`));
  const time = row?.split('|')[3]?.trim();
  return time?.endsWith(' s') ? Number(time.slice(0, -2)) : undefined;
}

/**
 * What one megabyte of GPX-like text costs in each place, on the same bytes: deflate (CompressionStream gzip in
 * the page, zlib gzip in Node), SHA-256 (WebCrypto digest, node:crypto) and a copy into a fresh array.
 */
async function primitiveRates(page: Page): Promise<string[]> {
  const text = Array.from({ length: 20_000 }, (_, i) => `<trkpt lat="52.${(i * 7919) % 100_000}" lon="13.${(i * 104_729) % 100_000}"><ele>${(i % 500) / 10}</ele>`
    + `<time>2025-03-01T07:${String(i % 60).padStart(2, '0')}:00Z</time><extensions><gpxtpx:hr>${120 + (i % 40)}</gpxtpx:hr></extensions></trkpt>\n`).join('');
  const rounds = 20;
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  const browserRates = await page.evaluate(async ([text, rounds]) => {
    const bytes = new TextEncoder().encode(text);
    const works: Array<[string, () => unknown]> = [
      ['deflate', () => new Response(new ReadableStream({ start(c) { c.enqueue(bytes); c.close(); } }).pipeThrough(new CompressionStream('gzip'))).arrayBuffer()],
      ['sha256', () => crypto.subtle.digest('SHA-256', bytes)],
      ['copy', () => new Uint8Array(bytes.byteLength).set(bytes)],
    ];
    const rates: Record<string, number> = {};
    for (const [name, work] of works) {
      const startMs = performance.now();
      for (let i = 0; i < rounds; i++) await work();
      rates[name] = (rounds * bytes.byteLength) / 1e6 / ((performance.now() - startMs) / 1000);
    }
    return rates as { deflate: number; sha256: number; copy: number };
  }, [text, rounds] as const);
  const bytes = Buffer.from(text);
  const rate = (work: () => unknown): number => {
    const startMs = performance.now();
    for (let i = 0; i < rounds; i++) work();
    return (rounds * bytes.byteLength) / 1e6 / ((performance.now() - startMs) / 1000);
  };
  const nodeRates = { deflate: rate(() => gzipSync(bytes)), sha256: rate(() => createHash('sha256').update(bytes).digest()), copy: rate(() => Buffer.alloc(bytes.byteLength).set(bytes)) };
  const row = (name: string, b: number, n: number) => `| ${name} | ${b.toFixed(0)} MB/s | ${n.toFixed(0)} MB/s | ${(n / b).toFixed(1)}× |`;
  return [
    `Why the browser needs more CPU for the same export: the primitives on ${(bytes.byteLength / 1e6).toFixed(1)} MB of GPX-like text, same machine, same run.`,
    '',
    '| primitive | Chromium page | Node | Node / Chromium |',
    '|---|---:|---:|---:|',
    row('deflate level 6 (CompressionStream gzip / zlib gzipSync)', browserRates.deflate, nodeRates.deflate),
    row('SHA-256 (WebCrypto digest / node:crypto)', browserRates.sha256, nodeRates.sha256),
    row('copy into a fresh array', browserRates.copy, nodeRates.copy),
  ];
}

const server = await startPreview();
// A persistent profile, as a person's browser has: Playwright's default contexts are incognito, whose OPFS lives
// in memory (measured: the same export ~11% slower there, most of it in sync access handle writes).
const userDataDir = mkdtempSync(join(tmpdir(), 'takeaway-bench-profile-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/?demo=none#/data`);
  await page.waitForFunction(() => 'takeaway' in window);
  await page.evaluate(() => (window as unknown as { takeaway: Hooks }).takeaway.ready);
  log(`loading ${activityCount} × ${samplesPerActivity} samples into IndexedDB…`);
  const loadS = await page.evaluate(async ([activityCount, samplesPerActivity]) => {
    const startMs = performance.now();
    await (window as unknown as { takeaway: Hooks }).takeaway.loadDemo({ seed: 7, days: 365, activityCount, samplesPerActivity, includeHealth: true, genericCount: 300 });
    return (performance.now() - startMs) / 1000;
  }, [activityCount, samplesPerActivity]);
  const pid = largest(rendererPids(userDataDir));
  // The host is noisy: each variant runs `--runs` times and its median run (by time) is the row.
  const runs: (RunFigures & { allSeconds: number[] })[] = [];
  for (const [label, workers] of [['zip.js inline in the export worker', false], ['zip.js with its own web workers', true]] as const) {
    const tries: RunFigures[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      log(`export: ${label} (${i + 1}/${values.runs})…`);
      tries.push(await runOnce(page, pid, label, workers));
    }
    const sorted = [...tries].sort((a, b) => a.seconds - b.seconds);
    runs.push({ ...sorted[Math.floor(sorted.length / 2)]!, allSeconds: tries.map((t) => t.seconds) });
  }
  const samples = activityCount * samplesPerActivity;
  const node = nodeSeconds(samples);
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const lines = [
    `Chromium ${await page.evaluate(() => /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? '?')} (headless, 2 shared cores, a persistent profile), built app served by \`vite preview\`. Demo load of ${samples.toLocaleString('en-US')} samples `
      + `(${activityCount} activities × ${samplesPerActivity.toLocaleString('en-US')}) into IndexedDB through the worker: ${loadS.toFixed(1)} s.`,
    '',
    `Each row is the median of ${values.runs} runs in the same page (by time); all the times: ${runs.map((r) => `${r.label}: ${r.allSeconds.map((t) => `${t.toFixed(1)} s`).join(', ')}`).join('; ')}.`,
    '',
    '| zip compression | samples | time | CPU time (all browser processes) | samples/s | zip MB | renderer RSS peak above idle | page JS heap peak above idle | browser / Node |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.label} | ${r.samples.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} s | ${r.cpuSeconds.toFixed(1)} s | ${Math.round(r.samples / r.seconds).toLocaleString('en-US')} | ${mb(r.zipBytes)} | `
      + `${mb(r.rssPeakAboveIdleBytes)} MB | ${mb(r.pageHeapPeakAboveIdleBytes)} MB | ${node ? `${(r.seconds / node).toFixed(2)}×` : '—'} |`),
    '',
    node
      ? `Node figure of the same export: ${node.toFixed(1)} s (target browser ≤ 1.5× Node).`
      : `No Node figure for ${samples.toLocaleString('en-US')} samples in BENCHMARKS.md (run the full \`npm run bench\`), so no ratio.`,
    '',
    ...(await primitiveRates(page)),
    '',
    'Memory is the renderer process resident set (page, export worker, codec workers and zip.js workers) from /proc, sampled every 100 ms, above its value at idle after the load and a forced GC, before the first export; '
      + 'the page heap is CDP Performance.getMetrics JSHeapUsedSize. measureUserAgentSpecificMemory needs COOP/COEP headers that `vite preview` does not send.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
  server.kill();
}
