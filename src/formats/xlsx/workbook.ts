// Streams the sheets of the workbook as XML text, row by row, while keeping per-column statistics, and
// builds the Summary sheet from those statistics: live formulas over the data sheets with cached results.

import { columnName, formulaCell, headerRow, numberCell, booleanCell, rowXml, sheetHead, sheetRef, SHEET_TAIL, STYLE, textCell } from './parts.ts';
import type { CellValue, Column } from './sheets.ts';

/** Running statistics of one numeric column, over the values exactly as written. */
export interface ColumnStats {
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** What a finished data sheet tells the Summary. */
export interface SheetStats {
  name: string;
  rows: number;
  columns: ColumnStats[];
  /** Optional grouping (Activities by sport): per group value, row count and per-column sums. */
  groups: Map<string, { rows: number; sums: number[] }>;
}

export function emptyStats(name: string, columnCount: number): SheetStats {
  return {
    name,
    rows: 0,
    columns: Array.from({ length: columnCount }, () => ({ sum: 0, count: 0, min: Infinity, max: -Infinity })),
    groups: new Map(),
  };
}

function cellXml(ref: string, column: Column<never>, value: CellValue): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return booleanCell(ref, value);
  if (typeof value === 'string') return textCell(ref, value);
  if (column.type === 'text') return textCell(ref, String(value));
  return numberCell(ref, value, STYLE[column.type]);
}

/**
 * Yields a worksheet's XML in pieces: head, header row, one string per data row, tail.
 * `groupBy` names a column whose text value groups the statistics (Activities by sport).
 */
export async function* sheetXml<R>(
  columns: readonly Column<R>[],
  rows: AsyncIterable<R>,
  stats: SheetStats,
  options: { groupByColumn?: number; isSelected?: boolean } = {},
): AsyncGenerator<string> {
  yield sheetHead(columns.map((c) => c.widthChars), options.isSelected);
  yield headerRow(columns.map((c) => c.title));
  for await (const row of rows) {
    const rowNumber = stats.rows + 2;
    let cells = '';
    const values: CellValue[] = [];
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i]!;
      const value = column.value(row);
      values.push(value);
      cells += cellXml(`${columnName(i)}${rowNumber}`, column as Column<never>, value);
      if (typeof value === 'number' && Number.isFinite(value) && column.type !== 'text') {
        const s = stats.columns[i]!;
        s.sum += value;
        s.count += 1;
        if (value < s.min) s.min = value;
        if (value > s.max) s.max = value;
      }
    }
    if (options.groupByColumn !== undefined) addToGroup(stats, String(values[options.groupByColumn] ?? ''), values);
    stats.rows += 1;
    yield rowXml(rowNumber, cells);
  }
  yield SHEET_TAIL;
}

function addToGroup(stats: SheetStats, key: string, values: CellValue[]): void {
  let group = stats.groups.get(key);
  if (!group) {
    group = { rows: 0, sums: values.map(() => 0) };
    stats.groups.set(key, group);
  }
  group.rows += 1;
  values.forEach((v, i) => {
    if (typeof v === 'number' && Number.isFinite(v)) group.sums[i]! += v;
  });
}

/** One Summary line: a label, a formula over a data sheet and the value the engine computed for it. */
export interface SummaryLine {
  label: string;
  formula: string;
  cached: number;
  style: number;
}

/** `'Sheet'!F2:F101` for a column over the data rows (at least row 2, so an empty sheet still gives a valid range). */
export function columnRange(stats: SheetStats, columnIndex: number): string {
  const letter = columnName(columnIndex);
  return `${sheetRef(stats.name)}${letter}2:${letter}${Math.max(2, stats.rows + 1)}`;
}

/** Summary lines for a column: SUM (times `factor`, e.g. 24 to turn days into hours). */
export function sumLine(label: string, stats: SheetStats, columnIndex: number, style: number, factor = 1): SummaryLine {
  const range = columnRange(stats, columnIndex);
  const sum = stats.columns[columnIndex]!.sum;
  return { label, formula: factor === 1 ? `SUM(${range})` : `SUM(${range})*${factor}`, cached: sum * factor, style };
}

/** COUNT of numeric cells in a column. */
export function countLine(label: string, stats: SheetStats, columnIndex: number): SummaryLine {
  return { label, formula: `COUNT(${columnRange(stats, columnIndex)})`, cached: stats.columns[columnIndex]!.count, style: STYLE.integer };
}

/** AVERAGE of a column, or `undefined` when the column has no numbers (AVERAGE would be #DIV/0!). */
export function averageLine(label: string, stats: SheetStats, columnIndex: number, style: number, factor = 1): SummaryLine | undefined {
  const s = stats.columns[columnIndex]!;
  if (s.count === 0) return undefined;
  const range = columnRange(stats, columnIndex);
  return { label, formula: factor === 1 ? `AVERAGE(${range})` : `AVERAGE(${range})*${factor}`, cached: (s.sum / s.count) * factor, style };
}

/** MIN or MAX of a column, or `undefined` when it has no numbers. */
export function extremeLine(label: string, stats: SheetStats, columnIndex: number, style: number, which: 'MIN' | 'MAX'): SummaryLine | undefined {
  const s = stats.columns[columnIndex]!;
  if (s.count === 0) return undefined;
  return { label, formula: `${which}(${columnRange(stats, columnIndex)})`, cached: which === 'MIN' ? s.min : s.max, style };
}

function quoteFormulaText(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** SUMIF over a group (Activities of one sport). */
export function groupSumLine(label: string, stats: SheetStats, groupColumn: number, group: string, columnIndex: number, style: number): SummaryLine {
  const sum = stats.groups.get(group)?.sums[columnIndex] ?? 0;
  return {
    label,
    formula: `SUMIF(${columnRange(stats, groupColumn)},${quoteFormulaText(group)},${columnRange(stats, columnIndex)})`,
    cached: sum,
    style,
  };
}

/** COUNTIF over a group. */
export function groupCountLine(label: string, stats: SheetStats, groupColumn: number, group: string): SummaryLine {
  return {
    label,
    formula: `COUNTIF(${columnRange(stats, groupColumn)},${quoteFormulaText(group)})`,
    cached: stats.groups.get(group)?.rows ?? 0,
    style: STYLE.integer,
  };
}

/** The Summary sheet: Metric | Value, one line each; selected as the workbook opens. */
export function* summarySheetXml(lines: readonly SummaryLine[]): Generator<string> {
  yield sheetHead([40, 16], true);
  yield headerRow(['Metric', 'Value']);
  let rowNumber = 2;
  for (const line of lines) {
    yield rowXml(rowNumber, textCell(`A${rowNumber}`, line.label) + formulaCell(`B${rowNumber}`, line.formula, line.cached, line.style));
    rowNumber += 1;
  }
  yield SHEET_TAIL;
}
