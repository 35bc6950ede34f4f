// The layering the README draws, checked: every import between folders of src/ must be one the README's table
// allows. The table is read from README.md, so the picture and the check cannot drift apart.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const SRC = join(REPO, 'src');
/** Files directly under src/ (the service worker entries) form the `root` layer. */
const ROOT_LAYER = 'root';

/**
 * Edges the table forbids that are still in the code, each with the day it was listed and why it stays for now.
 * An exception names one file and one import; anything else forbidden fails.
 */
const KNOWN_EXCEPTIONS: readonly { from: string; to: string; since: string; reason: string }[] = [
  // None today. platform → server/job.ts went on 2026-12-03 (the job view type moved to model/server-job.ts).
];

/** `{ layer: allowed targets }` from the README's table: a folder name, or a path of one file within src/. */
function readLayerTable(): Map<string, Set<string>> {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const header = readme.indexOf('| folder | may import');
  if (header < 0) throw new Error('README.md has no layering table (a row starting "| folder | may import")');
  const table = new Map<string, Set<string>>();
  for (const line of readme.slice(header).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [, layerCell, allowedCell] = line.split('|').map((cell) => cell.trim());
    const layer = /`([^`]+)`/.exec(layerCell)?.[1];
    if (!layer) throw new Error(`README layering table: no folder in row ${line}`);
    const allowed = allowedCell === '—' || allowedCell === 'nothing of ours' ? [] : allowedCell.split(',').map((item) => item.trim());
    table.set(layer, new Set([...allowed, ...(layer === 'model' ? [] : ['model'])]));
  }
  return table;
}

/** Test code and fixtures may reach across layers; the rule is about what ships. */
const isTestCode = (path: string) => /\.test(-helper)?\.tsx?$|(^|\/)fixtures\/|-fixtures\.ts$|\.test-helper\.ts$/.test(path);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const layerOf = (srcPath: string) => (srcPath.includes('/') ? srcPath.split('/')[0] : ROOT_LAYER);

/** `import … from '…'`, `import '…'`, `export … from '…'` and `import('…')`: the specifier is group 1 or 2. */
const IMPORT = /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(?\s*['"]([^'"]+)['"]/gm;
/** Block comments, and line comments that start a line or follow a space (so `https://` inside a string stays). */
const COMMENT = /\/\*[\s\S]*?\*\/|(?:^|\s)\/\/.*$/gm;

/** Every import in `text` (static, type-only, `export … from`, dynamic `import()`), as paths relative to src/, inside src/. */
function importsOf(srcPath: string, text: string): string[] {
  const code = text.replace(COMMENT, ' ');
  return [...code.matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2])
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => posix.normalize(posix.join(posix.dirname(srcPath), specifier)))
    .filter((target) => !target.startsWith('..'));
}

/** Imports the table does not allow, as `from → to`. */
function forbiddenImports(files: readonly { path: string; text: string }[], table: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const { path, text } of files) {
    if (isTestCode(path)) continue;
    const layer = layerOf(path);
    const allowed = table.get(layer);
    if (!allowed) {
      problems.push(`${path}: folder ${layer} is not in the README's layering table`);
      continue;
    }
    for (const target of importsOf(path, text)) {
      const targetLayer = layerOf(target);
      if (targetLayer === layer || allowed.has(targetLayer) || allowed.has(target)) continue;
      if (KNOWN_EXCEPTIONS.some((e) => e.from === path && e.to === target)) continue;
      problems.push(`${path} → ${target} (${layer} may not import ${targetLayer})`);
    }
  }
  return problems;
}

const srcFiles = () => sourceFiles(SRC).map((file) => ({ path: relative(SRC, file).split('\\').join('/'), text: readFileSync(file, 'utf8') }));

describe('layering', () => {
  const table = readLayerTable();

  it('has a row in the README for every folder of src/', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.filter((folder) => !table.has(folder))).toEqual([]);
  });

  it('has a README.md in every folder of src/ (what belongs there and what must not)', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.filter((folder) => !existsSync(join(SRC, folder, 'README.md')))).toEqual([]);
  });

  it('finds no import in src/ that the README does not allow', () => {
    expect(forbiddenImports(srcFiles(), table)).toEqual([]);
  });

  it('keeps each known exception real: it goes when the import it excuses goes', () => {
    const files = new Map(srcFiles().map((file) => [file.path, file]));
    for (const exception of KNOWN_EXCEPTIONS) {
      const file = files.get(exception.from);
      expect(file && importsOf(file.path, file.text), `${exception.from} → ${exception.to}`).toContain(exception.to);
    }
  });

  it('catches a forbidden import of every form (static, type-only, re-export, dynamic)', () => {
    const lines = [
      '// import { ignored } from "../ui/commented-out.ts";',
      "import { runExport } from '../engine/run.ts';",
      "import type {\n  TakeawayDb,\n} from '../store/db.ts';",
      "import '../platform/side-effect.ts';",
      "export { fileSink } from '../node/file-sink.ts';",
      "const ui = await import('../ui/main.tsx');",
      "import { float32Text } from '../model/number-text.ts';",
    ];
    const problems = forbiddenImports([{ path: 'formats/example.ts', text: lines.join('\n') }], table);
    expect(problems).toEqual([
      'formats/example.ts → engine/run.ts (formats may not import engine)',
      'formats/example.ts → store/db.ts (formats may not import store)',
      'formats/example.ts → platform/side-effect.ts (formats may not import platform)',
      'formats/example.ts → node/file-sink.ts (formats may not import node)',
      'formats/example.ts → ui/main.tsx (formats may not import ui)',
    ]);
  });
});
