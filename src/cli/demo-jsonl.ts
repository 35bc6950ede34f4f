// `takeaway demo`: writes the seeded demo data set as JSON lines, streaming (10M samples never sit in memory).

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createDemoDataset, DemoRecordSource, type DemoOptions } from '../demo/index.ts';
import { writeJsonl } from '../model/jsonl.ts';
import { RECORD_KINDS } from '../model/records.ts';

export async function writeDemoJsonl(path: string, options: Partial<DemoOptions>): Promise<number> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<DemoOptions>;
  const source = new DemoRecordSource(createDemoDataset(defined));
  const out = createWriteStream(path);
  let lines = 0;
  for await (const line of writeJsonl(source, { kinds: [...RECORD_KINDS] })) {
    lines += 1;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}
