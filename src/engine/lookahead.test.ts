import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EncodedEntry } from '../formats/types.ts';
import { webEntryCodec } from './entry-codec.ts';
import { withLookahead, type LookaheadOptions } from './lookahead.ts';

const text = new TextEncoder();

/** Records what happens, in order, so a test can check when each entry was pulled and read. */
class Trace {
  readonly events: string[] = [];
  running = 0;
  maxRunning = 0;
}

function entry(trace: Trace, name: string, standaloneSizeBytes?: number, chunks = 3): { entry: EncodedEntry } {
  async function* content(): AsyncGenerator<Uint8Array> {
    trace.running++;
    trace.maxRunning = Math.max(trace.maxRunning, trace.running);
    trace.events.push(`read ${name}`);
    try {
      for (let i = 0; i < chunks; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield text.encode(`${name}:${i};`.repeat(50));
      }
      trace.events.push(`done ${name}`);
    } finally {
      trace.running--;
    }
  }
  return { entry: { path: `${name}.txt`, modifiedMs: 0, recordCounts: {}, content: content(), standaloneSizeBytes } };
}

async function* items(trace: Trace, list: Array<{ entry: EncodedEntry }>): AsyncGenerator<{ entry: EncodedEntry }> {
  for (const item of list) {
    trace.events.push(`pull ${item.entry.path}`);
    yield item;
  }
}

function options(overrides: Partial<LookaheadOptions<{ entry: EncodedEntry }>> = {}): LookaheadOptions<{ entry: EncodedEntry }> {
  return {
    codec: webEntryCodec, window: 4, maxEntryBytes: 1_000_000, levelOf: () => 6,
    controller: new AbortController(), onRead: () => undefined, ...overrides,
  };
}

async function readAll(content: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of content) out += new TextDecoder().decode(chunk);
  return out;
}

describe('withLookahead', () => {
  it('yields every entry in order, small standalone ones prepared ahead and deflated to their exact content', async () => {
    const trace = new Trace();
    const list = [entry(trace, 'a', 100), entry(trace, 'b', 100), entry(trace, 'big', 5_000_000), entry(trace, 'c', 100)];
    const seen: string[] = [];
    for await (const slot of withLookahead(items(trace, list), options())) {
      seen.push(slot.item.entry.path);
      if (slot.prepared) {
        const prepared = await slot.prepared;
        const content = inflateRawSync(Buffer.concat(prepared.chunks)).toString();
        expect(content).toContain(`${slot.item.entry.path.replace('.txt', '')}:2;`);
        expect(prepared.size).toBe(Buffer.byteLength(content));
        expect(prepared.sha256Hex).toBe(createHash('sha256').update(content).digest('hex'));
        expect(prepared.method).toBe(8);
      } else {
        expect(slot.item.entry.path).toBe('big.txt');
        await readAll(slot.item.entry.content);
      }
    }
    expect(seen).toEqual(['a.txt', 'b.txt', 'big.txt', 'c.txt']);
    expect(trace.maxRunning).toBeGreaterThan(1);
  });

  it('never pulls past an entry that is not standalone before that entry was read in its turn', async () => {
    const trace = new Trace();
    const list = [entry(trace, 'a', 100), entry(trace, 'table'), entry(trace, 'b', 100)];
    for await (const slot of withLookahead(items(trace, list), options())) {
      if (!slot.prepared) await readAll(slot.item.entry.content);
    }
    const events = trace.events;
    expect(events.indexOf('pull b.txt')).toBeGreaterThan(events.indexOf('done table'));
    expect(events.indexOf('pull table.txt')).toBeLessThan(events.indexOf('done a'));
  });

  it('reads one entry at a time with a window of 1, and stores level-0 entries as they are', async () => {
    const trace = new Trace();
    const list = [entry(trace, 'a', 100), entry(trace, 'b', 100)];
    for await (const slot of withLookahead(items(trace, list), options({ window: 1 }))) {
      expect(slot.prepared).toBeUndefined();
      await readAll(slot.item.entry.content);
    }
    expect(trace.maxRunning).toBe(1);

    const stored = new Trace();
    for await (const slot of withLookahead(items(stored, [entry(stored, 'fit', 100)]), options({ levelOf: () => 0 }))) {
      const prepared = await slot.prepared!;
      expect(prepared.method).toBe(0);
      expect(Buffer.concat(prepared.chunks).toString()).toBe('fit:0;'.repeat(50) + 'fit:1;'.repeat(50) + 'fit:2;'.repeat(50));
    }
  });

  it('stops and awaits the entries read ahead when the caller gives up, without unhandled rejections', async () => {
    const trace = new Trace();
    const controller = new AbortController();
    const list = [entry(trace, 'a', 100, 50), entry(trace, 'b', 100, 50), entry(trace, 'c', 100, 50)];
    const failing = async (): Promise<void> => {
      for await (const slot of withLookahead(items(trace, list), options({ controller }))) {
        throw new Error(`disk full while writing ${slot.item.entry.path}`);
      }
    };
    await expect(failing()).rejects.toThrow('disk full while writing a.txt');
    expect(controller.signal.aborted).toBe(true);
    expect(trace.running).toBe(0);
    expect(trace.events).not.toContain('done c');
  });
});
