// The HTTP API of the serverless fallback, as a Hono app: web-standard Request in, Response out, so the same
// handler runs under @hono/node-server, in a container or on a serverless platform.

import { loadSecurityHeaders } from './security-headers.ts';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { verifyBearer, type Caller } from './auth.ts';
import type { ServerConfig } from './config.ts';
import type { ServerJob, ServerJobView } from '../model/server-job.ts';
import type { JobQueue, JobStore } from './job-store.ts';
import { parsePushSubscription } from './push-body.ts';
import type { PushService } from './push.ts';
import type { TokenBuckets } from './rate-limit.ts';
import { BodyError, parseExportRequestBody } from './request-body.ts';
import { checkLink, downloadPath } from './signed-link.ts';
import type { ExportStorage } from './storage.ts';
import { freeBytes, isStorageFull, storageFullMessage } from '../node/storage-full.ts';

/** Everything the handlers use; built by `main.ts` (or a platform adapter). */
export interface ServerServices {
  config: ServerConfig;
  store: JobStore;
  storage: ExportStorage;
  runner: JobQueue;
  push: PushService;
  buckets: TokenBuckets;
  /** Clock, epoch ms; default Date.now. */
  now?: () => number;
}

type AppEnv = { Variables: { caller: Caller } };

/** Seconds a client is told to wait when it has too many exports running. */
const BUSY_RETRY_AFTER_S = 30;

/** Builds the `/api` routes. Static files of the PWA are added by the Node entry (main.ts). */
export function createApp(services: ServerServices): Hono<AppEnv> {
  const { config, store, storage, runner, push, buckets } = services;
  const now = services.now ?? Date.now;
  const app = new Hono<AppEnv>();
  const securityHeaders = loadSecurityHeaders();

  app.use('*', async (c, next) => {
    // _headers is configuration for static hosts, never a file to serve.
    if (c.req.path === '/_headers') return c.text('not found', 404);
    await next();
    for (const [name, value] of Object.entries(securityHeaders)) c.res.headers.set(name, value);
  });

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.use('/api/*', async (c, next) => {
    const caller = await verifyBearer(c.req.header('authorization'), config.jwt);
    if (!caller) {
      c.header('WWW-Authenticate', 'Bearer realm="takeaway"');
      return problem(c, 401, 'unauthorized', 'a valid bearer token (HS256 JWT with a sub claim) is required');
    }
    const decision = buckets.take(caller.userId);
    if (!decision.isAllowed) {
      c.header('Retry-After', String(decision.retryAfterS));
      return problem(c, 429, 'rate_limited', `too many requests; retry after ${decision.retryAfterS} s`);
    }
    c.set('caller', caller);
    await next();
  });

  const limitBody = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: (c) => problem(c, 413, 'body_too_large', `body: larger than ${config.maxBodyBytes} bytes`, 'body'),
  });

  app.post('/api/exports', limitBody, async (c) => {
    const { userId, token } = c.get('caller');
    const body = await readJson(c);
    if (body instanceof Response) return body;
    let request;
    try {
      request = parseExportRequestBody(body, now());
    } catch (error) {
      if (error instanceof BodyError) return problem(c, 400, 'invalid_body', error.message, error.field);
      throw error;
    }
    const createdAtMs = now();
    const id = crypto.randomUUID();
    const job: ServerJob = {
      id, userId, status: 'INITIATED', request, createdAtMs, updatedAtMs: createdAtMs, attempts: 0,
      progress: { fraction: 0, filesDone: 0, recordsRead: 0, samplesRead: 0, bytesOut: 0 },
      fileName: `takeaway-${new Date(request.createdAtMs).toISOString().slice(0, 10)}-${id.slice(0, 8)}.zip`,
      recordsToken: token,
    };
    // A full disk refuses the row; admit() then leaves no job behind, and onError answers 507.
    if (!(await store.admit(job, config.maxActiveJobsPerUser))) {
      c.header('Retry-After', String(BUSY_RETRY_AFTER_S));
      return problem(c, 429, 'too_many_exports', `at most ${config.maxActiveJobsPerUser} exports may be waiting or running at once`);
    }
    runner.enqueue(id);
    c.header('Location', `/api/exports/${id}`);
    return c.json({ id }, 202);
  });

  app.get('/api/exports', async (c) => {
    const { userId } = c.get('caller');
    const views = await Promise.all((await store.listByUser(userId)).map((job) => viewOf(job)));
    return c.json({ exports: views });
  });

  app.get('/api/exports/:id', async (c) => {
    const job = await store.getOwned(c.req.param('id'), c.get('caller').userId);
    if (!job) return notFound(c);
    return c.json(await viewOf(job));
  });

  app.get('/api/exports/:id/download', async (c) => {
    const { userId } = c.get('caller');
    const job = await store.getOwned(c.req.param('id'), userId);
    if (!job) return notFound(c);
    const expiresAtMs = Number(c.req.query('exp'));
    const signature = c.req.query('sig') ?? '';
    if (!Number.isSafeInteger(expiresAtMs) || signature === '') return problem(c, 403, 'bad_link', 'the link lacks its exp or sig parameter');
    const check = checkLink(config.linkSecret, { exportId: job.id, userId, expiresAtMs }, signature, now());
    if (check === 'bad-signature') return problem(c, 403, 'bad_link', 'the link signature does not match');
    if (check === 'expired') return problem(c, 403, 'link_expired', 'the link has expired; ask for the export status again for a new one');
    if (job.status !== 'COMPLETED' || isExpired(job)) return problem(c, 409, 'not_ready', `the export is ${isExpired(job) ? 'EXPIRED' : job.status}`);
    if (storage.presignedUrl) return c.redirect(await storage.presignedUrl(job.id, Math.min(expiresAtMs, job.expiresAtMs!), job.fileName), 302);
    const [size, body] = [await storage.size(job.id), await storage.read(job.id)];
    if (size === undefined || !body) return problem(c, 410, 'gone', 'the archive is no longer stored');
    return new Response(body, {
      headers: {
        'content-type': 'application/zip',
        'content-length': String(size),
        'content-disposition': `attachment; filename="${job.fileName}"`,
        'cache-control': 'private, no-store',
      },
    });
  });

  app.delete('/api/exports/:id', async (c) => {
    const job = await store.getOwned(c.req.param('id'), c.get('caller').userId);
    if (!job) return notFound(c);
    await runner.cancel(job.id);
    await store.delete(job.id);
    return c.body(null, 204);
  });

  app.get('/api/push/vapid-public-key', (c) => c.json({ publicKey: config.vapid.publicKey }));

  app.post('/api/push/subscriptions', limitBody, async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    try {
      await push.subscribe(c.get('caller').userId, parsePushSubscription(body, config.pushAllowLoopbackForTests));
    } catch (error) {
      if (error instanceof BodyError) return problem(c, 400, 'invalid_body', error.message, error.field);
      throw error;
    }
    return c.body(null, 201);
  });

  app.get('/api/push/subscriptions', async (c) => {
    const list = await push.list(c.get('caller').userId);
    return c.json({ subscriptions: list.map((s) => ({ endpoint: s.endpoint })) });
  });

  app.delete('/api/push/subscriptions', limitBody, async (c) => {
    const body = await readJson(c);
    if (body instanceof Response) return body;
    const endpoint = (body as { endpoint?: unknown } | null)?.endpoint;
    if (typeof endpoint !== 'string') return problem(c, 400, 'invalid_body', 'endpoint: required field is missing', 'endpoint');
    await push.unsubscribe(c.get('caller').userId, endpoint);
    return c.body(null, 204);
  });

  app.all('/api/*', (c) => problem(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));

  app.onError(async (error, c) => {
    if (isStorageFull(error)) {
      console.warn(`${c.req.method} ${c.req.path}: storage full:`, (error as Error).message);
      const message = storageFullMessage('this request', undefined, await freeBytes(config.dataDir));
      return problem(c, 507, 'storage_full', `${message}. Nothing was saved; try again later`);
    }
    console.error(`${c.req.method} ${c.req.path}:`, error);
    return problem(c, 500, 'internal', 'internal error');
  });

  /** The caller's view of a job: the token stays inside, a fresh signed link is added once COMPLETED. */
  async function viewOf(job: ServerJob): Promise<ServerJobView> {
    const expired = isExpired(job);
    const view: ServerJobView = {
      id: job.id,
      status: expired ? 'EXPIRED' : job.status,
      createdAtMs: job.createdAtMs,
      updatedAtMs: job.updatedAtMs,
      progress: job.progress,
      estimatedBytes: job.estimatedBytes,
      sizeBytes: job.sizeBytes,
      skippedCount: job.skippedCount,
      fileName: job.fileName,
      expiresAtMs: job.expiresAtMs,
      error: job.error,
      pause: job.pause,
    };
    if (job.status === 'COMPLETED' && !expired) {
      const linkExpiresAtMs = Math.min(now() + config.linkTtlMs, job.expiresAtMs ?? Infinity);
      view.downloadUrl = downloadPath(config.linkSecret, { exportId: job.id, userId: job.userId, expiresAtMs: linkExpiresAtMs });
      view.downloadExpiresAtMs = linkExpiresAtMs;
    }
    return view;
  }

  function isExpired(job: ServerJob): boolean {
    return job.expiresAtMs !== undefined && now() >= job.expiresAtMs;
  }

  return app;
}

/** Every error is `{ error: { code, message, field? } }`, like the records API's errors. */
function problem(c: Context, status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 500 | 507, code: string, message: string, field?: string): Response {
  return c.json({ error: field === undefined ? { code, message } : { code, message, field } }, status);
}

function notFound(c: Context): Response {
  // The same answer for "no such export" and "someone else's export": ids of others are never confirmed.
  return problem(c, 404, 'not_found', 'no such export');
}

async function readJson(c: Context): Promise<unknown> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return problem(c, 400, 'invalid_body', 'body: send JSON with content-type application/json', 'body');
  }
  try {
    return await c.req.json();
  } catch (error) {
    return problem(c, 400, 'invalid_body', `body: not valid JSON (${(error as Error).message})`, 'body');
  }
}
