// A real PostgreSQL for the server-pg tests: the one .ci/run started (TAKEAWAY_TEST_DATABASE_URL), else one
// started here with scripts/start-postgres.sh and stopped afterwards. Each call gets its own fresh database.
// When PostgreSQL cannot start, this throws: the tests fail, they never skip.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../../src/model/request.ts';

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, '../../scripts/start-postgres.sh');

/** A database of its own on a running PostgreSQL; `stop` drops it (and stops a server started here). */
export interface TestDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  let serverUrl = process.env.TAKEAWAY_TEST_DATABASE_URL;
  let ownDir: string | undefined;
  if (!serverUrl) {
    let out: string;
    try {
      ({ stdout: out } = await run('bash', [script], { timeout: 60_000 }));
    } catch (error) {
      throw new Error(`PostgreSQL could not be started for this test (scripts/start-postgres.sh): ${(error as { stderr?: string }).stderr ?? String(error)}`);
    }
    const vars = Object.fromEntries(out.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
    serverUrl = vars.TAKEAWAY_TEST_DATABASE_URL;
    ownDir = vars.TAKEAWAY_TEST_PGDATA;
  }
  const name = `takeaway_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async stop() {
      if (ownDir) {
        await run('bash', [script, 'stop', ownDir], { timeout: 60_000 });
        return;
      }
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The environment of a scaled-mode instance on `databaseUrl`: every secret from the environment, short leases. */
export function scaledEnv(databaseUrl: string, vapid: { publicKey: string; privateKey: string }): Record<string, string> {
  return {
    TAKEAWAY_DATABASE_URL: databaseUrl,
    TAKEAWAY_LINK_SECRET: 'test-link-secret-for-scaled-mode-tests',
    TAKEAWAY_VAPID_PUBLIC_KEY: vapid.publicKey,
    TAKEAWAY_VAPID_PRIVATE_KEY: vapid.privateKey,
    TAKEAWAY_POLL_MS: '100',
    TAKEAWAY_RATE_BURST: '100000',
    TAKEAWAY_RATE_PER_S: '100000',
  };
}

/** The export the scaled-mode tests ask for: activities as FIT and GPX, daily steps as CSV. */
export const SCALED_TEST_REQUEST: ExportRequest = {
  createdAtMs: Date.UTC(2026, 10, 2),
  filter: { kinds: ['activity', 'steps'] },
  formats: { activity: ['fit', 'gpx'], steps: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
};
