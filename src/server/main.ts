// Starts the serverless fallback on Node: the API and the built PWA on one port, data in the data directory.
// Run with `npx tsx src/server/main.ts` (or `npm run server`); settings in docs/server.md.

import path from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { createApp } from './app.ts';
import { loadServerConfig, type ServerConfig } from './config.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { FileJobStore } from './file-job-store.ts';
import { JobRunner } from './job-runner.ts';
import type { JobQueue, JobStore } from './job-store.ts';
import { drainOutbox } from './pg/outbox.ts';
import { PgJobRunner } from './pg/pg-job-runner.ts';
import { PgJobStore } from './pg/pg-job-store.ts';
import { PgPushSubscriptions } from './pg/pg-push-subscriptions.ts';
import { PushService, type PushPayload } from './push.ts';
import { TokenBuckets } from './rate-limit.ts';
import { sweepExpired } from './retention.ts';
import { S3ExportStorage } from './s3-storage.ts';
import { FileExportStorage, type ExportStorage } from './storage.ts';
import type { ServerJob } from '../model/server-job.ts';

/** How often retention runs, ms. Env TAKEAWAY_SWEEP_INTERVAL_S, default 1 h. */
const DEFAULT_SWEEP_INTERVAL_S = 3600;

/** A running server: its address and a graceful stop. */
export interface RunningServer {
  url: string;
  config: ServerConfig;
  stop(): Promise<void>;
}

/** Loads the configuration, recovers unfinished jobs and listens. */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = await loadServerConfig(env);
  const scaled = config.databaseUrl !== undefined;
  // The embedded server owns its data directory; scaled instances share the database instead.
  const lock = scaled ? undefined : await lockDataDir(config.dataDir);
  let storage: ExportStorage;
  if (config.s3) {
    storage = new S3ExportStorage(config.s3);
  } else {
    const files = new FileExportStorage(path.join(config.dataDir, 'files'));
    await files.init({ keepPartials: scaled });
    storage = files;
  }
  const pgStore = config.databaseUrl ? await PgJobStore.open(config.databaseUrl) : undefined;
  // Scaled mode: subscriptions in the database, so whichever instance sends a message sees them all.
  const subscriptions = pgStore ? new PgPushSubscriptions(pgStore) : path.join(config.dataDir, 'push');
  const push = new PushService(subscriptions, config.vapid, { allowLoopback: config.pushAllowLoopbackForTests });
  await push.init();
  // Without TAKEAWAY_PUBLIC_URL, links point at the port actually bound (PORT=0 picks a free one when listening).
  let publicUrl = config.publicUrl;
  const payloadOf = (job: ServerJob): PushPayload => ({ type: 'export-finished', exportId: job.id, status: job.status, url: `${publicUrl}/#/history?export=${job.id}` });
  let store: JobStore;
  let runner: JobQueue & { stop(): Promise<void> };
  let startRunner: () => Promise<void>;
  let closeStore = async (): Promise<void> => undefined;
  if (pgStore) {
    let draining: Promise<unknown> | undefined;
    const drain = (): void => {
      draining ??= drainOutbox(pgStore, push).catch((error: unknown) => console.warn('push outbox:', error)).finally(() => { draining = undefined; });
    };
    const pgRunner = new PgJobRunner(pgStore, storage, config, payloadOf, drain);
    const outboxTimer = setInterval(drain, config.pollMs);
    outboxTimer.unref();
    store = pgStore;
    runner = pgRunner;
    startRunner = async () => pgRunner.start();
    closeStore = async () => {
      clearInterval(outboxTimer);
      await draining;
      await pgStore.close();
    };
  } else {
    const fileStore = await FileJobStore.open(config.dataDir);
    const fileRunner = new JobRunner(fileStore, storage, config, async (job: ServerJob) => {
      await push.notify(job.userId, payloadOf(job));
    });
    store = fileStore;
    runner = fileRunner;
    startRunner = () => fileRunner.recover();
  }
  const buckets = new TokenBuckets(config.rateBurst, config.ratePerS);
  const app = createApp({ config, store, storage, runner, push, buckets });

  if (config.staticDir && existsSync(path.join(config.staticDir, 'index.html'))) {
    app.use('/*', serveStatic({ root: config.staticDir }));
    // SPA fallback: any other GET that is not an API call gets the app shell.
    app.get('*', serveStatic({ path: path.join(config.staticDir, 'index.html') }));
  }

  await sweepExpired(store, storage, Date.now(), config.retentionMs);
  await startRunner();
  const sweepIntervalMs = Number(env.TAKEAWAY_SWEEP_INTERVAL_S || DEFAULT_SWEEP_INTERVAL_S) * 1000;
  const sweeper = setInterval(() => {
    buckets.prune();
    sweepExpired(store, storage, Date.now(), config.retentionMs).catch((error: unknown) => console.error('retention sweep failed:', error));
  }, sweepIntervalMs);
  sweeper.unref();

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (!env.TAKEAWAY_PUBLIC_URL) publicUrl = `http://${config.host}:${port}`;
  return {
    url: `http://${config.host}:${port}`,
    config,
    async stop() {
      clearInterval(sweeper);
      await runner.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeStore();
      await lock?.release();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('src/server/main.ts')) {
  const running = await startServer().catch((error: unknown) => {
    // A setting or the data directory refused: say so in one line, no stack trace.
    if (error instanceof RangeError || error instanceof DataDirLockedError) {
      console.error(`takeaway-server: ${error.message}`);
      process.exit(1);
    }
    throw error;
  });
  // The line tests and scripts wait for; keep its shape.
  console.log(`takeaway-server listening on ${running.url} (data in ${running.config.dataDir})`);
  const shutdown = (): void => {
    void running.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
