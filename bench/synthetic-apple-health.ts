// Writes a synthetic Apple Health export.zip of about the asked size to disk, streaming (tests/helpers/apple-health-export.ts
// makes the content; nothing is held whole). Usage: node --import tsx bench/synthetic-apple-health.ts OUT.zip XML_MB

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ZipWriter } from '@zip.js/zip.js';
import { addAppleHealthMembers, type AppleHealthSpec } from '../tests/helpers/apple-health-export.ts';

/** Bytes of export.xml one day of the spec below writes, about (measured on the generator). */
const XML_BYTES_PER_DAY_AT_1000_HR = 260_000;

/** A spec whose export.xml is about `xmlBytes`: ten years of days, heart rate readings scaled to fit. */
export function appleHealthSpecOfSize(xmlBytes: number): AppleHealthSpec {
  const days = Math.max(10, Math.min(3650, Math.round(xmlBytes / 2_000_000)));
  const heartRatePerDay = Math.max(10, Math.round(((xmlBytes / days) / XML_BYTES_PER_DAY_AT_1000_HR) * 1000));
  return { days, heartRatePerDay, routePoints: 1800 };
}

/** Writes the zip; resolves to its size in bytes. */
export async function writeSyntheticAppleHealth(path: string, spec: AppleHealthSpec): Promise<number> {
  const out = createWriteStream(path);
  let size = 0;
  const writer = new ZipWriter(new WritableStream<Uint8Array>({
    async write(chunk) {
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    },
  }), { level: 1, zip64: true, useWebWorkers: false });
  await addAppleHealthMembers(writer, spec);
  await writer.close();
  out.end();
  await once(out, 'finish');
  return size;
}

if (process.argv[1]?.endsWith('synthetic-apple-health.ts')) {
  const [path, xmlMb] = process.argv.slice(2);
  if (path && xmlMb) {
    const spec = appleHealthSpecOfSize(Number(xmlMb) * 1e6);
    console.log(JSON.stringify({ spec, zipBytes: await writeSyntheticAppleHealth(path, spec) }));
  }
}
