// The real S3 of the tests: the Ceph RADOS Gateway that scripts/start-rgw.sh starts on 127.0.0.1.
// TAKEAWAY_TEST_RGW_ENV names the env file the script prints. `.ci/run` always sets it, so in CI a gateway that
// is down fails these tests; without it (a local run) they are skipped with the reason printed.

import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import type { S3StorageOptions } from '../../src/server/s3-storage.ts';

/** Why the RGW tests are skipped, or undefined when they must run. */
export const rgwSkipReason: string | undefined = process.env.TAKEAWAY_TEST_RGW_ENV
  ? undefined
  : 'RGW tests skipped: TAKEAWAY_TEST_RGW_ENV is not set (run `export TAKEAWAY_TEST_RGW_ENV="$(bash scripts/start-rgw.sh)"` as root; .ci/run does)';
if (rgwSkipReason) console.warn(rgwSkipReason);

/** Endpoint and keys of the gateway, read from the env file; throws (fails the test) when it cannot be read. */
export function rgwConnection(): Omit<S3StorageOptions, 'bucket'> {
  const file = process.env.TAKEAWAY_TEST_RGW_ENV!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`TAKEAWAY_TEST_RGW_ENV=${file} cannot be read (did scripts/start-rgw.sh run?): ${(error as Error).message}`);
  }
  const env = Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${file} has no ${name}`);
    return value;
  };
  return {
    endpoint: need('TAKEAWAY_TEST_S3_ENDPOINT'),
    region: need('TAKEAWAY_TEST_S3_REGION'),
    accessKeyId: need('TAKEAWAY_TEST_S3_ACCESS_KEY_ID'),
    secretAccessKey: need('TAKEAWAY_TEST_S3_SECRET_ACCESS_KEY'),
  };
}

/** A client for the requests `S3ExportStorage` does not make (bucket creation, listing uploads). */
export function rgwClient(connection: Omit<S3StorageOptions, 'bucket'>): AwsClient {
  return new AwsClient({ accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey, service: 's3', region: connection.region, retries: 0 });
}

/** Creates a bucket of its own for one test file and returns the full storage options. */
export async function createRgwBucket(prefix = ''): Promise<S3StorageOptions> {
  const connection = rgwConnection();
  const bucket = `takeaway-test-${randomUUID()}`;
  let response: Response;
  try {
    response = await rgwClient(connection).fetch(`${connection.endpoint}/${bucket}`, { method: 'PUT' });
  } catch (error) {
    throw new Error(`the RGW at ${connection.endpoint} does not answer (is scripts/start-rgw.sh's gateway running?): ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`CreateBucket ${bucket} failed: ${response.status} ${await response.text()}`);
  return { ...connection, bucket, prefix, partSizeBytes: 5 * 1024 * 1024 };
}

/** Keys of the multipart uploads still open in the bucket (ListMultipartUploads). */
export async function openUploadKeys(options: S3StorageOptions): Promise<string[]> {
  const response = await rgwClient(options).fetch(`${options.endpoint}/${options.bucket}?uploads`);
  const xml = await response.text();
  if (!response.ok) throw new Error(`ListMultipartUploads failed: ${response.status} ${xml}`);
  return [...xml.matchAll(/<Upload>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<\/Upload>/g)].map((m) => m[1]!);
}

/** Empties and deletes a test bucket (objects, then open uploads, then the bucket). */
export async function deleteRgwBucket(options: S3StorageOptions): Promise<void> {
  const client = rgwClient(options);
  const base = `${options.endpoint}/${options.bucket}`;
  for (let round = 0; round < 100; round++) {
    const xml = await (await client.fetch(`${base}?list-type=2`)).text();
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
    if (keys.length === 0) break;
    for (const key of keys) await (await client.fetch(`${base}/${key.split('/').map(encodeURIComponent).join('/')}`, { method: 'DELETE' })).body?.cancel();
  }
  const uploads = await (await client.fetch(`${base}?uploads`)).text();
  for (const m of uploads.matchAll(/<Upload>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<UploadId>([^<]*)<\/UploadId>[\s\S]*?<\/Upload>/g)) {
    await (await client.fetch(`${base}/${m[1]!.split('/').map(encodeURIComponent).join('/')}?uploadId=${encodeURIComponent(m[2]!)}`, { method: 'DELETE' })).body?.cancel();
  }
  await (await client.fetch(base, { method: 'DELETE' })).body?.cancel();
}
