// The `takeaway` command: demo data, exports and verification from a terminal, on the same engine as the app.

import { readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExportError } from '../model/errors.ts';
import { neededInWords } from '../model/storage-full.ts';
import { RECORD_KINDS } from '../model/records.ts';
import { FORMAT_IDS, GPX_DIALECTS, PDF_TEMPLATES, PRIVACY_ZONE_MODES, TIME_STYLES, UNIT_SYSTEMS } from '../model/request.ts';
import { LOCKED_TEXT, leftOutCount, runExport, planExport, verifyExport } from '../engine/index.ts';
import { parsePartSize, splitExport, type SplitResult } from '../engine/split.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { parsePreviousManifest, requestSince } from '../jobs/ledger.ts';
import { interruptibleFileSink, removeIfInterrupted } from './interrupt.ts';
import { isStorageFull } from '../node/storage-full.ts';
import { terminalProgress } from './progress-bar.ts';
import { buildRequest } from './request-args.ts';
import { loadInput } from './load-input.ts';
import { demoEndDay, demoEndToday } from '../demo/index.ts';
import { writeDemoJsonl } from './demo-jsonl.ts';
import { withFileZipReader } from '../node/file-zip-reader.ts';
import { tempFileSpool } from '../node/verify-spool.ts';
import { UsageError } from './usage-error.ts';
import { say, show } from './terminal.ts';
import { installNodeRuntime } from '../node/runtime.ts';

const USAGE = `Usage:
  takeaway demo --out data.jsonl [--seed N] [--days N] [--activities N] [--samples N] [--no-health]
                [--end YYYY-MM-DD]   (the day after the last day; default today, so the data ends yesterday)
  takeaway export --input data.jsonl|file.fit|file.gpx|file.tcx|archive.zip|folder/ --formats ${FORMAT_IDS.join(',')}
                  --out export.zip [--kinds ${RECORD_KINDS.join(',')}] [--from DATE] [--to DATE]
                  [--tags a,b] [--categories a,b] [--text WORDS] [--created-at ISO] [--level 0-9]
                  [--gpx-dialect ${GPX_DIALECTS.join('|')}] [--csv-samples] [--csv-bom] [--formula-unsafe]
                  [--part-size 2GB]   (split into <out>-001.zip, <out>-002.zip… of at most this size; any size, e.g. 5MB)
                  [--since previous-manifest.json]   (only records added or changed since that export)
                  [--password-file FILE]   (AES-256 encrypted archive; the first line of FILE is the password)
                  [--privacy-zone LAT,LON,RADIUS_M ...] [--privacy-mode ${PRIVACY_ZONE_MODES.join('|')}] [--drop-gps] [--drop-serials]
                  [--pseudonymise] [--time-shift-days N]   (anonymise; see docs/privacy.md)
                  [--report ${PDF_TEMPLATES.join('|')}] [--activity-pages]   (the PDF report's template)
                  [--time-style ${TIME_STYLES.join('|')}]   (CSV/XLSX/PDF times: local with offset plus UTC (default), or UTC only, ending in Z)
                  [--units ${UNIT_SYSTEMS.join('|')}]   (CSV/XLSX/PDF: km, m, kg, °C (default) or mi, ft, lb, °F; FIT/TCX/GPX/JSON/XML keep their standard units)
                  [--plan]   (print the plan, write nothing)
  takeaway verify export.zip [--password-file FILE]   (FILE: the password of an encrypted export)

Exit codes: 0 done, 1 failed (the message says why), 2 usage error, 128 + N when stopped by signal N
(SIGINT 130, SIGTERM 143, SIGHUP 129; unfinished output is removed).`;

export async function main(argv: string[]): Promise<number> {
  installNodeRuntime();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo': return await demoCommand(rest);
      case 'export': return await exportCommand(rest);
      case 'verify': return await verifyCommand(rest);
      case undefined: case '-h': case '--help': case 'help':
        show(...USAGE.split('\n'));
        return command === undefined ? 2 : 0;
      default: throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      say(`takeaway: ${error.message}`, '', ...USAGE.split('\n'));
      return 2;
    }
    const code = error instanceof ExportError ? ` [${error.code}]` : '';
    say(`takeaway: ${error instanceof Error ? error.message : String(error)}${code}`);
    return 1;
  }
}

async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
    out: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' },
    activities: { type: 'string' }, samples: { type: 'string' }, 'no-health': { type: 'boolean' }, end: { type: 'string' },
  } });
  if (!values.out) throw new UsageError('demo needs --out FILE');
  let endMs: number;
  try {
    endMs = values.end === undefined ? demoEndToday(Date.now()) : demoEndDay(values.end, '--end');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const lines = await writeDemoJsonl(values.out, {
    seed: optionalInt(values.seed, '--seed'),
    days: optionalInt(values.days, '--days'),
    activityCount: optionalInt(values.activities, '--activities'),
    samplesPerActivity: optionalInt(values.samples, '--samples'),
    includeHealth: values['no-health'] ? false : undefined,
    endMs,
  });
  say(`wrote ${lines} lines to ${values.out}`);
  return 0;
}

async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
    input: { type: 'string' }, out: { type: 'string' }, formats: { type: 'string' }, kinds: { type: 'string' },
    from: { type: 'string' }, to: { type: 'string' }, tags: { type: 'string' }, categories: { type: 'string' },
    text: { type: 'string' }, 'created-at': { type: 'string' }, level: { type: 'string' },
    'gpx-dialect': { type: 'string' }, 'csv-samples': { type: 'boolean' }, 'csv-bom': { type: 'boolean' },
    'formula-unsafe': { type: 'boolean' }, plan: { type: 'boolean' }, 'part-size': { type: 'string' }, since: { type: 'string' },
    'password-file': { type: 'string' }, 'privacy-zone': { type: 'string', multiple: true }, 'privacy-mode': { type: 'string' },
    'drop-gps': { type: 'boolean' }, 'drop-serials': { type: 'boolean' }, pseudonymise: { type: 'boolean' },
    'time-shift-days': { type: 'string' }, report: { type: 'string' }, 'activity-pages': { type: 'boolean' },
    'time-style': { type: 'string' }, units: { type: 'string' },
  } });
  if (!values.input) throw new UsageError('export needs --input FILE');
  if (!values.formats) throw new UsageError('export needs --formats, e.g. --formats fit,gpx,csv');
  if (!values.out && !values.plan) throw new UsageError('export needs --out FILE.zip (or --plan)');
  if (values.out && (await stat(values.out).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`--out ${values.out} is a folder; give the archive's file name, e.g. --out ${join(values.out, 'export.zip')}`);
  }
  const partSizeBytes = values['part-size'] === undefined ? undefined : parsePartSizeArg(values['part-size']);
  const request = requestSince(buildRequest({
    formats: values.formats, kinds: values.kinds, from: values.from, to: values.to, tags: values.tags,
    categories: values.categories, text: values.text, createdAt: values['created-at'], level: values.level,
    gpxDialect: values['gpx-dialect'], csvSamples: values['csv-samples'], csvBom: values['csv-bom'],
    formulaUnsafe: values['formula-unsafe'], privacyZones: values['privacy-zone'], privacyMode: values['privacy-mode'],
    dropGps: values['drop-gps'], dropSerials: values['drop-serials'], pseudonymise: values.pseudonymise,
    timeShiftDays: values['time-shift-days'], report: values.report, activityPages: values['activity-pages'],
    timeStyle: values['time-style'], units: values.units,
  }, Date.now()), values.since === undefined ? undefined : parsePreviousManifest(await readFile(values.since, 'utf8'), values.since));
  if (values['password-file'] !== undefined && partSizeBytes !== undefined) {
    throw new UsageError('--password-file and --part-size cannot be combined yet: parts would not be encrypted');
  }
  // Read before any work so a bad file fails fast; a password is never taken from the command line (shell history, ps).
  const password = values['password-file'] === undefined ? undefined : await readPasswordFile(values['password-file']);
  const input = await loadInput(values.input);
  for (const skipped of input.skipped) say(`skipped ${skipped.kind} ${skipped.id}: ${skipped.reason}`);
  if (input.readCount === 0 && input.skipped.length > 0) {
    throw new ExportError('INVALID_INPUT', `every input failed: nothing could be read from ${values.input} `
      + `(${input.skipped.length} ${input.skipped.length === 1 ? 'failure' : 'failures'}, each listed above), so nothing was exported`);
  }
  const plan = await planExport(request, input.source, FORMAT_REGISTRY);
  if (values.plan) {
    show(...JSON.stringify(plan, null, 2).split('\n'));
    return 0;
  }
  const out = values.out!;
  const wholePath = partSizeBytes === undefined ? out : `${out}.whole`;
  if (partSizeBytes !== undefined) removeIfInterrupted(wholePath);
  try {
    const result = await runExport(request, input.source, interruptibleFileSink(wholePath), {
      registry: FORMAT_REGISTRY, plan, skipped: input.skipped, onProgress: terminalProgress(), password,
    });
    const { manifest } = result;
    if (partSizeBytes !== undefined) {
      const split = await writeParts(wholePath, out, partSizeBytes);
      say(`wrote ${split.parts.length} part(s): ${split.parts.map((p) => p.fileName).join(', ')}`);
    }
    say(`wrote ${values.out}: ${manifest.files.length} files, ${(result.bytesWritten / 1e6).toFixed(2)} MB`
      + `${manifest.skipped.length ? `, partial: ${manifest.skipped.length} records skipped as invalid (see manifest.json "skipped")` : ''}`
      + `${leftOutCount(manifest.leftOut) ? `, ${leftOutCount(manifest.leftOut)} left out of formats that cannot carry them (see manifest.json "leftOut")` : ''}`);
    return 0;
  } catch (error) {
    if (isStorageFull(error)) {
      const message = error instanceof ExportError ? error.message : `the destination is full: ${(error as Error).message}`;
      throw new ExportError('QUOTA_EXCEEDED', `${message}; ${neededInWords('the whole archive', plan.estimatedBytes)}`
        + `${partSizeBytes === undefined ? '' : ', twice that while it is split into parts'}`, { cause: error });
    }
    throw error;
  }
}

async function verifyCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { 'password-file': { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('verify needs one archive: takeaway verify export.zip [--password-file FILE]');
  const password = values['password-file'] === undefined ? undefined : await readPasswordFile(values['password-file']);
  const report = await withFileZipReader(positionals[0], (reader) => verifyExport(reader, { password, spool: tempFileSpool }));
  if (report.locked) {
    show(`${positionals[0]}: ${LOCKED_TEXT[report.locked]}${report.locked === 'no-password' ? ' (--password-file FILE)' : ''}`);
    return 1;
  }
  for (const problem of report.problems) show(`FAIL ${problem.path}: ${problem.problem} — ${problem.detail}`);
  const what = report.encrypted ? 'files of the encrypted export match its manifest.json' : 'files match manifest.json';
  show(report.ok ? `OK ${report.filesChecked} ${what}` : `FAILED ${report.problems.length} problem(s)`);
  return report.ok ? 0 : 1;
}

/**
 * Repacks the finished archive at `wholePath` into parts next to `out` (named after it), then deletes it. When
 * the split fails, the parts written so far are removed too: a part set is complete or absent.
 */
async function writeParts(wholePath: string, out: string, partSizeBytes: number): Promise<SplitResult> {
  const partPaths: string[] = [];
  const forgetParts: (() => void)[] = [];
  try {
    const stem = basename(out).replace(/\.zip$/i, '');
    const split = await withFileZipReader(wholePath, (reader) => splitExport(reader, partSizeBytes, async (_n, name) => {
      const path = join(dirname(out), name);
      partPaths.push(path);
      forgetParts.push(removeIfInterrupted(path));
      return interruptibleFileSink(path);
    }, { stem }));
    for (const forget of forgetParts) forget();
    return split;
  } catch (error) {
    await Promise.all(partPaths.map((path) => rm(path, { force: true })));
    throw error;
  } finally {
    await rm(wholePath, { force: true });
  }
}

/** The first line of the file, without its line ending; an empty password is refused. */
async function readPasswordFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new UsageError(`--password-file ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  });
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new UsageError(`--password-file ${path} holds no password on its first line`);
  return password;
}

function parsePartSizeArg(text: string): number {
  try {
    return parsePartSize(text);
  } catch (error) {
    throw new UsageError(`--part-size: ${(error as Error).message}`);
  }
}

function optionalInt(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option} must be a whole number, got "${text}"`);
  return n;
}
