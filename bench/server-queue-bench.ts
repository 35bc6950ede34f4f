// `node --import tsx bench/server-queue-bench.ts [--jobs 16] [--latency-ms 20]`: throughput of the scaled server
// mode with 1 and 2 worker processes (one export thread each) on the same export set, against a real PostgreSQL
// (TAKEAWAY_TEST_DATABASE_URL, else one started by scripts/start-postgres.sh) and the test records API on 127.0.0.1.
// Prints one line per run and a JSON line. Nothing is asserted: the numbers are for docs/server.md.

import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import webPush from 'web-push';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../src/model/request.ts';
import { migrate } from '../src/server/pg/schema.ts';
import { scaledEnv, startTestDatabase } from '../tests/node/pg-fixture.ts';
import { RecordsApiHost, ServerProcess, tokenFor } from '../tests/node/server-fixtures.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const jobCount = flag('--jobs', 16);
const latencyMs = flag('--latency-ms', 20);
const USERS = 8;

const REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['activity', 'steps', 'sleep', 'weight'] },
  formats: { activity: ['fit', 'gpx'], steps: ['csv'], sleep: ['csv'], weight: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};

const db = await startTestDatabase();
const sql = new pg.Pool({ connectionString: db.url, max: 2 });
await migrate(sql);
const apiHost = new RecordsApiHost();
await apiHost.start();
const tokens: string[] = [];
for (let u = 0; u < USERS; u++) {
  const token = await tokenFor(`bench-user-${u}`);
  apiHost.addAccount(token, { latencyMs });
  tokens.push(token);
}
const dataDir = await mkdtemp(path.join(tmpdir(), 'takeaway-queue-bench-'));
const env = { ...scaledEnv(db.url, webPush.generateVAPIDKeys()), TAKEAWAY_RECORDS_API_URL: apiHost.baseUrl, TAKEAWAY_MAX_RUNNING_PER_USER: '2' };

const results: { workers: number; jobs: number; seconds: number; jobsPerMinute: number; commitsPerExport: number }[] = [];
/** Transactions committed in the bench database so far (every statement outside BEGIN is one). */
const commits = async (): Promise<number> => {
  // The statistics collector reports with a delay; a fresh snapshot is asked for first.
  await sql.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await sql.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0].n);
};
try {
  for (const workers of [1, 2]) {
    await sql.query('TRUNCATE takeaway_jobs, takeaway_outbox CASCADE');
    const api = new ServerProcess(dataDir, { ...env, TAKEAWAY_WORKERS: '0' });
    await api.start();
    const workerProcesses = Array.from({ length: workers }, () => new ServerProcess(dataDir, { ...env, TAKEAWAY_WORKERS: '1' }));
    await Promise.all(workerProcesses.map((w) => w.start()));
    const commitsBefore = await commits();
    const startMs = performance.now();
    for (let j = 0; j < jobCount; j++) {
      const response = await api.post('/api/exports', tokens[j % USERS], REQUEST);
      if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
    }
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { rows } = await sql.query("SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS done, count(*) FILTER (WHERE status = 'FAILED')::int AS failed FROM takeaway_jobs");
      if (rows[0].failed > 0) throw new Error(`${rows[0].failed} jobs failed`);
      if (rows[0].done === jobCount) break;
      if (Date.now() > deadline) throw new Error('the jobs did not finish in 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - startMs) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Includes this bench's own polling (20 a second), subtracted.
    const commitsPerExport = ((await commits()) - commitsBefore - Math.round(seconds * 20)) / jobCount;
    results.push({ workers, jobs: jobCount, seconds, jobsPerMinute: (jobCount / seconds) * 60, commitsPerExport });
    console.log(`${workers} worker process(es): ${jobCount} exports in ${seconds.toFixed(1)} s (${((jobCount / seconds) * 60).toFixed(1)} per minute), ~${commitsPerExport.toFixed(0)} PostgreSQL commits per export (idle polls included)`);
    await Promise.all([api, ...workerProcesses].map((p) => p.kill('SIGTERM')));
  }
  console.log(JSON.stringify({ cpus: cpus().length, cpu: cpus()[0]?.model, latencyMs, results }));
} finally {
  await sql.end();
  await apiHost.stop();
  await db.stop();
  await rm(dataDir, { recursive: true, force: true });
}
