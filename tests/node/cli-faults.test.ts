// The `takeaway` CLI under hard faults: a genuinely full filesystem (a small tmpfs, when run as root), signals
// (SIGINT, SIGTERM, SIGHUP, `timeout`) in the middle of writing, and bad destinations. Runs the real bin in child
// processes; nothing unfinished may be left behind.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextReader, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter, type FileEntry } from '@zip.js/zip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED } from '../helpers/zip-files.ts';

const BIN = join(REPO_ROOT, 'bin/takeaway.mjs');
const dir = mkdtempSync(join(tmpdir(), 'takeaway-cli-faults-'));
const demo = join(dir, 'demo.jsonl');
/** Large enough that an export runs for seconds after its first bytes, so a signal lands mid-write. */
const bigDemo = join(dir, 'big.jsonl');
const IS_ROOT = process.getuid?.() === 0;

function takeaway(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
}

beforeAll(() => {
  const result = takeaway('demo', '--out', demo, '--days', '60', '--activities', '24', '--samples', '600', '--end', '2026-11-01');
  expect(result.status, result.stderr).toBe(0);
  const big = takeaway('demo', '--out', bigDemo, '--days', '30', '--activities', '60', '--samples', '3000', '--no-health');
  expect(big.status, big.stderr).toBe(0);
}, 240_000);

/** Starts the bin (under `prefix`, e.g. `timeout 600`) and gathers its stderr. */
function startTakeaway(prefix: string[], ...args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<[number | null, NodeJS.Signals | null]> } {
  const [command, ...rest] = [...prefix, process.execPath, BIN, ...args];
  const child = spawn(command, rest, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, stderr: () => stderr, exit };
}

/** Polls (every 5 ms, at most 4,000 times) until `condition` holds; false if the process ended first. */
async function waitFor(condition: () => boolean, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 4000; i += 1) {
    if (condition()) return true;
    if (child.exitCode !== null || child.signalCode !== null) return false;
    await sleep(5);
  }
  return false;
}

function hasBytes(path: string): boolean {
  return (statSync(path, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

describe('takeaway export stopped by a signal in the middle of writing', () => {
  const cases: { signal: NodeJS.Signals; code: number; prefix: string[]; via: string }[] = [
    { signal: 'SIGINT', code: 130, prefix: [], via: 'Ctrl-C' },
    { signal: 'SIGTERM', code: 143, prefix: [], via: 'kill' },
    { signal: 'SIGHUP', code: 129, prefix: [], via: 'a closed terminal' },
    // `timeout` ends a command with SIGTERM; here it is sent to `timeout` itself, which passes it on the same way.
    { signal: 'SIGTERM', code: 143, prefix: ['timeout', '600'], via: 'timeout' },
  ];
  for (const { signal, code, prefix, via } of cases) {
    it(`removes <out>.partial and exits ${code} with a message on ${signal} (${via})`, async () => {
      const out = join(dir, `stopped-${via.replace(/\W+/g, '-')}.zip`);
      const run = startTakeaway(prefix, 'export', '--input', bigDemo, '--formats', 'fit,gpx,tcx,csv,json,xml', '--out', out);
      expect(await waitFor(() => hasBytes(`${out}.partial`), run.child), run.stderr()).toBe(true);
      run.child.kill(signal);
      const [status] = await run.exit;
      expect(run.stderr()).toContain(`takeaway: stopped by ${signal}; removed the unfinished ${out}.partial`);
      expect(status).toBe(code);
      expect(existsSync(`${out}.partial`)).toBe(false);
      expect(existsSync(out)).toBe(false);
    }, 240_000);
  }

  it('removes every part written so far on SIGINT during --part-size, and the whole archive being split', async () => {
    const folder = join(dir, 'parts');
    mkdirSync(folder);
    const out = join(folder, 'split.zip');
    const run = startTakeaway([], 'export', '--input', bigDemo, '--formats', 'fit,gpx,tcx,csv,json,xml', '--part-size', '64KiB', '--out', out);
    expect(await waitFor(() => existsSync(join(folder, 'split-002.zip')), run.child), run.stderr()).toBe(true);
    run.child.kill('SIGINT');
    const [status] = await run.exit;
    expect(run.stderr()).toMatch(/takeaway: stopped by SIGINT; removed the unfinished .*split\.zip\.whole.*split-001\.zip/);
    expect(status).toBe(130);
    expect(readdirSync(folder)).toEqual([]);
  }, 240_000);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!IS_ROOT)('takeaway export onto a full filesystem (a 1 MiB tmpfs; needs root to mount)', () => {
  const small = join(dir, 'small');

  beforeAll(() => {
    mkdirSync(small);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { encoding: 'utf8' });
    expect(mount.status, mount.stderr).toBe(0);
  });

  afterAll(() => {
    spawnSync('umount', [small]);
  });

  it('exits 1 with the bytes written and free, and leaves no <out>.partial', () => {
    const out = join(small, 'export.zip');
    const result = takeaway('export', '--input', demo, '--formats', 'fit,gpx,tcx,csv,json,xml', '--level', '0', '--out', out);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/the destination is full: no space left on the filesystem of .*small after writing 1\.0 MB \(1048576 bytes\) of export\.zip; the unfinished file was removed; [\d.]+ [KM]?B is free there now \(ENOSPC\); the whole archive needs about [\d.]+ MB \[QUOTA_EXCEEDED\]/);
    expect(readdirSync(small)).toEqual([]);
  }, 240_000);

  it('takeaway demo leaves no half-written file either', () => {
    const out = join(small, 'demo.jsonl');
    const result = takeaway('demo', '--out', out, '--days', '30', '--activities', '60', '--samples', '3000');
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/no space left on the filesystem of .*small after writing .* of demo\.jsonl; the unfinished file was removed/);
    expect(readdirSync(small)).toEqual([]);
  }, 240_000);

  it('removes the parts and the whole archive when the disk fills during --part-size', () => {
    const out = join(small, 'split.zip');
    // fit,csv at level 0 is about 0.55 MB: the whole archive fits, the parts beside it do not.
    const result = takeaway('export', '--input', demo, '--formats', 'fit,csv', '--level', '0', '--part-size', '100KB', '--out', out);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('[QUOTA_EXCEEDED]');
    expect(readdirSync(small)).toEqual([]);
  }, 240_000);
});

describe('takeaway export --out onto a folder', () => {
  it('refuses it before any work (exit 2) and leaves no <folder>.partial', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const result = takeaway('export', '--input', demo, '--formats', 'csv', '--out', folder);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(`--out ${folder} is a folder; give the archive's file name, e.g. --out ${join(folder, 'export.zip')}`);
    expect(existsSync(`${folder}.partial`)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  }, 120_000);
});

describe('takeaway export when inputs fail', () => {
  function folderOf(name: string, files: Record<string, string>, goodFit = false): string {
    const folder = join(dir, name);
    mkdirSync(folder);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
    if (goodFit) copyFileSync(join(SHARED, 'corpus/fit/fenix5-run.fit'), join(folder, 'good.fit'));
    return folder;
  }

  it('exits 1 saying every input failed, and writes nothing, when no file can be read', () => {
    const folder = folderOf('all-bad', { 'a.fit': 'garbage', 'b.gpx': '<gpx', 'c.tcx': '' });
    const out = join(dir, 'all-bad.zip');
    const result = takeaway('export', '--input', folder, '--formats', 'csv,gpx', '--out', out);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('skipped unknown a.fit: a.fit: not a FIT file');
    expect(result.stderr).toContain(`takeaway: every input failed: nothing could be read from ${folder} (3 failures, each listed above), so nothing was exported [INVALID_INPUT]`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 120_000);

  it('exits 1 the same way for JSON lines with no valid record', () => {
    const input = join(dir, 'all-bad.jsonl');
    writeFileSync(input, '{"takeaway":"jsonl","version":1}\n{"kind":"weight"}\nnot json\n');
    const result = takeaway('export', '--input', input, '--formats', 'csv', '--out', join(dir, 'all-bad-jsonl.zip'));
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('every input failed');
  }, 120_000);

  it('keeps exit 0 when some inputs were read, and names each that failed', () => {
    const folder = folderOf('some-bad', { 'broken.gpx': '<gpx' }, true);
    const out = join(dir, 'some-bad.zip');
    const result = takeaway('export', '--input', folder, '--formats', 'csv', '--out', out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('skipped unknown broken.gpx: broken.gpx: malformed XML');
    expect(result.stderr).toMatch(/wrote .*some-bad\.zip: .*partial: 1 records skipped as invalid/);
    expect(existsSync(out)).toBe(true);
  }, 120_000);
});

describe('takeaway output with hostile names', () => {
  const TITLE = '\u001b]0;pwned\u0007';
  const CLEAR = '\u001b[2J\u001b[H';
  // Anything that starts an escape sequence or a control function: ESC, BEL, C1 CSI, CR.
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

  it('escapes control characters in the names of files that failed to import', () => {
    const folder = join(dir, 'hostile');
    mkdirSync(folder);
    writeFileSync(join(folder, `${TITLE}a.gpx`), '<gpx');
    writeFileSync(join(folder, `${CLEAR}b\rOK.fit`), 'garbage');
    const result = takeaway('export', '--input', folder, '--formats', 'csv', '--out', join(dir, 'hostile.zip'));
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(CONTROL);
    expect(result.stderr).toContain('skipped unknown \\u001b]0;pwned\\u0007a.gpx');
    expect(result.stderr).toContain('\\u001b[2J\\u001b[Hb\\rOK.fit');
  }, 120_000);

  it('escapes control characters in the member names takeaway verify reports', async () => {
    const out = join(dir, 'hostile-verify.zip');
    expect(takeaway('export', '--input', demo, '--formats', 'csv', '--out', out, '--created-at', '2026-11-24T12:00:00Z').status).toBe(0);
    // A member the manifest does not list, named with an escape sequence; the UTF-8 flag makes readers take the
    // name as it is (without it, zip.js reads CP437 and ESC becomes an arrow).
    const entries = await new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(out)))).getEntries();
    const writer = new ZipWriter(new Uint8ArrayWriter(), { useUnicodeFileNames: true });
    for (const entry of entries as FileEntry[]) await writer.add(entry.filename, new Uint8ArrayReader(await entry.getData(new Uint8ArrayWriter())));
    await writer.add(`${CLEAR}x.csv`, new TextReader('a,b\n'));
    writeFileSync(out, await writer.close());
    const result = takeaway('verify', out);
    expect(result.status, result.stdout).toBe(1);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stdout).toContain('FAIL \\u001b[2J\\u001b[Hx.csv: unlisted');
  }, 120_000);
});
