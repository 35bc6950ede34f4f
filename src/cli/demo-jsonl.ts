// `takeaway demo`: writes the seeded demo data set as JSON lines, streaming (10M samples never sit in memory),
// through the same atomic file sink as exports, so a full disk or a signal leaves no half-written file.

import { createDemoDataset, DemoRecordSource, type DemoOptions } from '../demo/index.ts';
import { writeJsonl } from '../model/jsonl.ts';
import { RECORD_KINDS } from '../model/records.ts';
import { interruptibleFileSink } from './interrupt.ts';

export async function writeDemoJsonl(path: string, options: Partial<DemoOptions>): Promise<number> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<DemoOptions>;
  const source = new DemoRecordSource(createDemoDataset(defined));
  const out = interruptibleFileSink(path).getWriter();
  const encoder = new TextEncoder();
  let lines = 0;
  try {
    for await (const line of writeJsonl(source, { kinds: [...RECORD_KINDS] })) {
      lines += 1;
      await out.write(encoder.encode(line));
    }
    await out.close();
  } catch (error) {
    await out.abort(error).catch(() => undefined);
    throw error;
  }
  return lines;
}
