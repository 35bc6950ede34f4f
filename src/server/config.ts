// Server settings: environment variables over file-system defaults, and the secrets made on first start.

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import webPush from 'web-push';
import { readJsonIfExists, writeJsonAtomic } from './atomic-file.ts';
import type { TokenCheck } from './auth.ts';
import type { S3StorageOptions } from './s3-storage.ts';

/** Secrets kept in `<dataDir>/secrets.json` (mode 0600), made once so tokens, links and push keys survive restarts. */
export interface ServerSecrets {
  /** HS256 key for bearer tokens, base64url; overridden by TAKEAWAY_JWT_SECRET. */
  jwtSecret: string;
  /** HMAC-SHA-256 key for download links, base64url; overridden by TAKEAWAY_LINK_SECRET. */
  linkSecret: string;
  vapidPublicKey: string;
  vapidPrivateKey: string;
}

export interface ServerConfig {
  /** Where jobs, files, push subscriptions and secrets live. Env TAKEAWAY_DATA_DIR, default `.takeaway-server`. */
  dataDir: string;
  /** Env HOST (default 127.0.0.1) and PORT (default 8787). */
  host: string;
  port: number;
  /** Base URL of the records API the jobs pull from (docs/api.md). Env TAKEAWAY_RECORDS_API_URL. */
  recordsApiUrl: string;
  /** How jobs ride out a failing records API (docs/server.md "Records API outages"). */
  recordsApi: RecordsApiPatience;
  /** Built PWA served next to the API, with SPA fallback; env TAKEAWAY_STATIC_DIR, default `dist`; '' turns it off. */
  staticDir: string;
  /**
   * How bearer tokens are checked: the HS256 key (env TAKEAWAY_JWT_SECRET, else generated) and, when set, the
   * `iss` and `aud` every token must carry (env TAKEAWAY_JWT_ISSUER, TAKEAWAY_JWT_AUDIENCE).
   */
  jwt: TokenCheck;
  linkSecret: Uint8Array;
  vapid: { publicKey: string; privateKey: string; subject: string };
  /** Life of a signed download link, ms. Env TAKEAWAY_LINK_TTL_S, default 24 h. */
  linkTtlMs: number;
  /** How long a finished export is kept, ms. Env TAKEAWAY_RETENTION_DAYS, default 30. */
  retentionMs: number;
  /** Largest export accepted, by the plan's estimate, bytes. Env TAKEAWAY_MAX_EXPORT_BYTES, default 20 GB. */
  maxExportBytes: number;
  /** Unfinished jobs one person may have. Env TAKEAWAY_MAX_ACTIVE_JOBS, default 10. */
  maxActiveJobsPerUser: number;
  /** Token bucket per person for API calls: capacity and refill per second. Env TAKEAWAY_RATE_BURST (60), TAKEAWAY_RATE_PER_S (1). */
  rateBurst: number;
  ratePerS: number;
  /** Largest request body, bytes. Default 64 KiB. */
  maxBodyBytes: number;
  /** Worker threads running exports at once, for everyone. Env TAKEAWAY_WORKERS, default 2. */
  workerCount: number;
  /** Public origin used in push payload URLs; env TAKEAWAY_PUBLIC_URL, default http://HOST:PORT. */
  publicUrl: string;
  /** Object storage for archives when TAKEAWAY_S3_ENDPOINT and TAKEAWAY_S3_BUCKET are set; otherwise `<dataDir>/files`. */
  s3?: S3StorageOptions;
  /**
   * Test-only: push endpoints may be http on a loopback host and may resolve to a loopback address.
   * Env TAKEAWAY_PUSH_ALLOW_LOOPBACK_FOR_TESTS=1; never set in production.
   */
  pushAllowLoopbackForTests: boolean;
  /**
   * Scaled mode (docs/server.md): PostgreSQL holds the job table and is the queue, any number of instances share
   * it. Env TAKEAWAY_DATABASE_URL; unset, the server is the embedded single process on JSON files.
   */
  databaseUrl?: string;
  /** Scaled mode: how long a worker's claim on a job lasts without a heartbeat, ms. Env TAKEAWAY_LEASE_S, default 30. */
  leaseMs: number;
  /** Scaled mode: jobs of one person running at once on all workers together. Env TAKEAWAY_MAX_RUNNING_PER_USER, default 2. */
  maxRunningPerUser: number;
  /** Scaled mode: how often a running job's progress reaches the database, at most, ms. Env TAKEAWAY_PROGRESS_WRITE_MS, default 500. */
  progressWriteMs: number;
  /** Scaled mode: how often an idle worker looks for a job, ms. Env TAKEAWAY_POLL_MS, default 1000. */
  pollMs: number;
}

/** Timeouts and outage handling of the jobs' records-API calls, ms. */
export interface RecordsApiPatience {
  /** Longest one request may take. Env TAKEAWAY_RECORDS_TIMEOUT_S, default 30. */
  timeoutMs: number;
  /** How long the circuit breaker stays open before one probe request. Env TAKEAWAY_RECORDS_BREAKER_COOLDOWN_S, default 300. */
  breakerCooldownMs: number;
  /** How long a job waits for an API that keeps failing before it fails. Env TAKEAWAY_RECORDS_OUTAGE_BUDGET_S, default 3600. */
  outageBudgetMs: number;
}

const DAY_MS = 86_400_000;

/** Reads the environment, creates the data directory and (on first start) the secrets. */
export async function loadServerConfig(env: NodeJS.ProcessEnv = process.env): Promise<ServerConfig> {
  const dataDir = path.resolve(env.TAKEAWAY_DATA_DIR || '.takeaway-server');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const databaseUrl = env.TAKEAWAY_DATABASE_URL || undefined;
  // Instances of the scaled mode must agree on every key; one made up by each would split them apart.
  const secrets = databaseUrl ? secretsFromEnv(env) : await loadSecrets(dataDir);
  const host = env.HOST || '127.0.0.1';
  const port = numberEnv(env, 'PORT', 8787);
  return {
    dataDir,
    host,
    port,
    recordsApiUrl: env.TAKEAWAY_RECORDS_API_URL || 'http://127.0.0.1:8788/',
    recordsApi: {
      timeoutMs: numberEnv(env, 'TAKEAWAY_RECORDS_TIMEOUT_S', 30) * 1000,
      breakerCooldownMs: numberEnv(env, 'TAKEAWAY_RECORDS_BREAKER_COOLDOWN_S', 300) * 1000,
      outageBudgetMs: numberEnv(env, 'TAKEAWAY_RECORDS_OUTAGE_BUDGET_S', 3600) * 1000,
    },
    staticDir: env.TAKEAWAY_STATIC_DIR ?? 'dist',
    jwt: {
      secret: env.TAKEAWAY_JWT_SECRET ? new TextEncoder().encode(env.TAKEAWAY_JWT_SECRET) : Buffer.from(secrets.jwtSecret, 'base64url'),
      issuer: env.TAKEAWAY_JWT_ISSUER || undefined,
      audience: env.TAKEAWAY_JWT_AUDIENCE || undefined,
    },
    linkSecret: Buffer.from(env.TAKEAWAY_LINK_SECRET || secrets.linkSecret, 'base64url'),
    vapid: {
      publicKey: env.TAKEAWAY_VAPID_PUBLIC_KEY || secrets.vapidPublicKey,
      privateKey: env.TAKEAWAY_VAPID_PRIVATE_KEY || secrets.vapidPrivateKey,
      subject: env.TAKEAWAY_VAPID_SUBJECT || 'mailto:admin@localhost',
    },
    linkTtlMs: numberEnv(env, 'TAKEAWAY_LINK_TTL_S', 86_400) * 1000,
    retentionMs: numberEnv(env, 'TAKEAWAY_RETENTION_DAYS', 30) * DAY_MS,
    maxExportBytes: numberEnv(env, 'TAKEAWAY_MAX_EXPORT_BYTES', 20e9),
    maxActiveJobsPerUser: numberEnv(env, 'TAKEAWAY_MAX_ACTIVE_JOBS', 10),
    rateBurst: numberEnv(env, 'TAKEAWAY_RATE_BURST', 60),
    ratePerS: numberEnv(env, 'TAKEAWAY_RATE_PER_S', 1),
    maxBodyBytes: 64 * 1024,
    workerCount: numberEnv(env, 'TAKEAWAY_WORKERS', 2),
    publicUrl: env.TAKEAWAY_PUBLIC_URL || `http://${host}:${port}`,
    s3: s3Options(env),
    pushAllowLoopbackForTests: env.TAKEAWAY_PUSH_ALLOW_LOOPBACK_FOR_TESTS === '1',
    databaseUrl,
    leaseMs: numberEnv(env, 'TAKEAWAY_LEASE_S', 30) * 1000,
    pollMs: numberEnv(env, 'TAKEAWAY_POLL_MS', 1000),
    maxRunningPerUser: numberEnv(env, 'TAKEAWAY_MAX_RUNNING_PER_USER', 2),
    progressWriteMs: numberEnv(env, 'TAKEAWAY_PROGRESS_WRITE_MS', 500),
  };
}

/** Scaled mode takes every secret from the environment, or refuses to start and says which are missing. */
function secretsFromEnv(env: NodeJS.ProcessEnv): ServerSecrets {
  const names = ['TAKEAWAY_JWT_SECRET', 'TAKEAWAY_LINK_SECRET', 'TAKEAWAY_VAPID_PUBLIC_KEY', 'TAKEAWAY_VAPID_PRIVATE_KEY'] as const;
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new RangeError(`TAKEAWAY_DATABASE_URL is set (scaled mode), so every instance needs the same secrets from the environment; missing: ${missing.join(', ')} (docs/server.md "Scaled mode")`);
  }
  return {
    jwtSecret: env.TAKEAWAY_JWT_SECRET!,
    linkSecret: env.TAKEAWAY_LINK_SECRET!,
    vapidPublicKey: env.TAKEAWAY_VAPID_PUBLIC_KEY!,
    vapidPrivateKey: env.TAKEAWAY_VAPID_PRIVATE_KEY!,
  };
}

/** The bucket settings, or undefined when no endpoint and bucket are set (the file-system default). */
function s3Options(env: NodeJS.ProcessEnv): S3StorageOptions | undefined {
  if (!env.TAKEAWAY_S3_ENDPOINT && !env.TAKEAWAY_S3_BUCKET) return undefined;
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new RangeError(`${name} must be set when TAKEAWAY_S3_ENDPOINT or TAKEAWAY_S3_BUCKET is`);
    return value;
  };
  const addressing = env.TAKEAWAY_S3_ADDRESSING || 'path';
  if (addressing !== 'path' && addressing !== 'virtual') throw new RangeError(`TAKEAWAY_S3_ADDRESSING must be path or virtual, got "${addressing}"`);
  return {
    endpoint: required('TAKEAWAY_S3_ENDPOINT'),
    bucket: required('TAKEAWAY_S3_BUCKET'),
    region: env.TAKEAWAY_S3_REGION || 'us-east-1',
    accessKeyId: required('TAKEAWAY_S3_ACCESS_KEY_ID'),
    secretAccessKey: required('TAKEAWAY_S3_SECRET_ACCESS_KEY'),
    sessionToken: env.TAKEAWAY_S3_SESSION_TOKEN || undefined,
    prefix: env.TAKEAWAY_S3_PREFIX || '',
    addressing,
  };
}

/** The secrets of `dataDir`, made and saved on first call. */
export async function loadSecrets(dataDir: string): Promise<ServerSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  const existing = await readJsonIfExists<ServerSecrets>(file);
  if (existing) return existing;
  const vapid = webPush.generateVAPIDKeys();
  const secrets: ServerSecrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    linkSecret: randomBytes(32).toString('base64url'),
    vapidPublicKey: vapid.publicKey,
    vapidPrivateKey: vapid.privateKey,
  };
  await writeJsonAtomic(file, secrets);
  return secrets;
}

function numberEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got "${text}"`);
  return value;
}
