// The `takeaway` CLI end to end: demo data → export in every format → the outside validators, verify,
// determinism, bad input and usage errors. Runs the real bin through node, as a person would.

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, VALIDATORS } from '../helpers/zip-files.ts';

const BIN = join(REPO_ROOT, 'bin/takeaway.mjs');
const dir = mkdtempSync(join(tmpdir(), 'takeaway-cli-'));
const demo = join(dir, 'demo.jsonl');

function takeaway(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
}

function exportTo(out: string, ...extra: string[]) {
  return takeaway('export', '--input', demo, '--formats', 'fit,tcx,gpx,csv,json,xml,xlsx', '--out', out,
    '--created-at', '2026-11-24T12:00:00Z', '--from', '2026-10-01', '--to', '2026-10-15', '--csv-samples', ...extra);
}

beforeAll(() => {
  const result = takeaway('demo', '--out', demo, '--days', '60', '--activities', '24', '--samples', '600', '--end', '2026-11-01');
  expect(result.status, result.stderr).toBe(0);
}, 120_000);

describe('takeaway export', () => {
  it('writes a zip whose every member passes the outside validators (unzip -t, FIT decoders, GPX/TCX XSDs, gpsbabel, openpyxl)', () => {
    const out = join(dir, 'all.zip');
    const result = exportTo(out);
    expect(result.status, result.stderr).toBe(0);
    const check = spawnSync('bash', [join(VALIDATORS, 'validate-zip.sh'), out, '--deep'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(check.stdout).toMatch(/ok {3}member activities\/fit\/.*\.fit/);
    expect(check.stdout).toMatch(/ok {3}member activities\/gpx\/.*\.gpx/);
    expect(check.stdout).toMatch(/ok {3}member activities\/tcx\/.*\.tcx/);
    expect(check.stdout).toMatch(/ok {3}member reports\/takeaway\.xlsx/);
    expect(check.stdout).not.toMatch(/FAIL/);
    expect(check.status, check.stdout).toBe(0);
  }, 360_000);

  it('gives byte-identical archives for the same input and --created-at', () => {
    const a = join(dir, 'a.zip');
    const b = join(dir, 'b.zip');
    expect(exportTo(a, '--formats', 'fit,gpx,csv').status).toBe(0);
    expect(exportTo(b, '--formats', 'fit,gpx,csv').status).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  }, 120_000);

  it('lists a broken record in the manifest and still completes', () => {
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, readFileSync(demo));
    appendFileSync(broken, `${JSON.stringify({ kind: 'weight', id: 'w-bad', timestampMs: Date.UTC(2026, 9, 3), utcOffsetMin: 0, weightKg: -4, updatedAtMs: 0 })}\n`);
    const out = join(dir, 'partial.zip');
    const result = takeaway('export', '--input', broken, '--formats', 'csv', '--out', out, '--created-at', '2026-11-24T12:00:00Z');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('w-bad');
    const manifest = JSON.parse(spawnSync('unzip', ['-p', out, 'manifest.json'], { encoding: 'utf8' }).stdout);
    expect(manifest.skipped).toEqual([expect.objectContaining({ kind: 'weight', id: 'w-bad', reason: expect.stringContaining('weightKg') })]);
    expect(result.stderr).toContain('partial: 1 records skipped as invalid');
  }, 120_000);

  it('calls a GPX export with pool swims complete: they are left out of GPX by design, not skipped', () => {
    const out = join(dir, 'gpx.zip');
    const result = takeaway('export', '--input', demo, '--formats', 'gpx', '--kinds', 'activity', '--out', out, '--created-at', '2026-11-24T12:00:00Z');
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(spawnSync('unzip', ['-p', out, 'manifest.json'], { encoding: 'utf8' }).stdout);
    expect(manifest.skipped).toEqual([]);
    const leftOut = manifest.leftOut.gpx as { id: string; reason: string }[];
    expect(leftOut.length).toBeGreaterThan(0);
    expect(leftOut.every((l) => l.reason === 'no GPS positions: GPX cannot carry this activity')).toBe(true);
    expect(result.stderr).not.toMatch(/partial|skipped/);
    expect(result.stderr).toContain(`${leftOut.length} left out of formats that cannot carry them`);
  }, 120_000);
});

describe('takeaway export --report', () => {
  it('writes the chosen PDF report template, which qpdf and pdftotext accept', () => {
    const out = join(dir, 'health.zip');
    const result = takeaway('export', '--input', demo, '--formats', 'pdf', '--report', 'health', '--out', out, '--created-at', '2026-11-24T12:00:00Z');
    expect(result.status, result.stderr).toBe(0);
    const pdf = join(dir, 'health.pdf');
    writeFileSync(pdf, spawnSync('unzip', ['-p', out, 'reports/takeaway-report.pdf']).stdout);
    expect(spawnSync('qpdf', ['--check', pdf]).status).toBe(0);
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('Health report');
    expect(text).toContain('Sleep per night');
  }, 120_000);
});

describe('takeaway verify', () => {
  it('passes a produced archive and names the file when one byte of an entry changes', () => {
    const out = join(dir, 'verify.zip');
    expect(exportTo(out, '--formats', 'gpx,csv', '--level', '0').status).toBe(0);
    expect(takeaway('verify', out).status).toBe(0);
    const bytes = readFileSync(out);
    const at = bytes.indexOf(Buffer.from('<trkpt'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 1] = 'T'.charCodeAt(0);
    const tampered = join(dir, 'tampered.zip');
    writeFileSync(tampered, bytes);
    const result = takeaway('verify', tampered);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL activities\/gpx\/[^:]+\.gpx/);
  }, 120_000);

  it('verifies a password export with --password-file, and exits 1 saying why without it or with a wrong one', () => {
    const out = join(dir, 'secret.zip');
    const passwordFile = join(dir, 'password.txt');
    const wrongFile = join(dir, 'wrong.txt');
    writeFileSync(passwordFile, 'a long pass phrase for verify\n');
    writeFileSync(wrongFile, 'not the pass phrase\n');
    expect(exportTo(out, '--formats', 'gpx,csv', '--password-file', passwordFile).status).toBe(0);

    const right = takeaway('verify', out, '--password-file', passwordFile);
    expect(right.status, right.stdout + right.stderr).toBe(0);
    expect(right.stdout).toMatch(/^OK \d+ files of the encrypted export match its manifest\.json$/m);
    const none = takeaway('verify', out);
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('encrypted: give the password to verify (--password-file FILE)');
    const wrong = takeaway('verify', out, '--password-file', wrongFile);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain('wrong password');
    for (const result of [none, wrong]) expect(result.stdout + result.stderr).not.toMatch(/missing|FAIL/);
  }, 120_000);
});

describe('takeaway usage', () => {
  it('exits 2 with the usage on a bad format, a missing input or an unknown command', () => {
    const out = join(dir, 'never.zip');
    for (const args of [['export', '--input', demo, '--formats', 'docx', '--out', out], ['export', '--input', demo, '--formats', 'pdf', '--report', 'weekly', '--out', out], ['export', '--input', join(dir, 'nope.jsonl'), '--formats', 'csv', '--out', out], ['frobnicate']]) {
      const result = takeaway(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Usage:');
    }
    expect(existsSync(out)).toBe(false);
  });
});

describe('takeaway demo', () => {
  it('ends yesterday by default, on the day given with --end, and refuses a day that does not exist', () => {
    const lastStepsDay = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"kind":"steps"'))
      .map((l) => (JSON.parse(l) as { date: string }).date).sort().at(-1);
    const today = join(dir, 'demo-today.jsonl');
    expect(takeaway('demo', '--out', today, '--days', '5', '--activities', '2', '--samples', '20').status).toBe(0);
    expect(lastStepsDay(today)).toBe(new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000).toISOString().slice(0, 10));
    const fixed = join(dir, 'demo-fixed.jsonl');
    expect(takeaway('demo', '--out', fixed, '--days', '5', '--activities', '2', '--samples', '20', '--end', '2026-03-01').status).toBe(0);
    expect(lastStepsDay(fixed)).toBe('2026-02-28');
    const bad = takeaway('demo', '--out', join(dir, 'demo-bad.jsonl'), '--end', '2026-02-30');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--end must be a day written YYYY-MM-DD, got "2026-02-30"');
  }, 120_000);
});
