// Pure builders for the SpreadsheetML (ECMA-376 Part 1) pieces of a workbook: package parts, styles,
// sheet XML head and tail, one cell at a time. No I/O here; encode.ts streams these strings into a zip.

import { escapeXml } from '../xml-text.ts';

/** ECMA-376 Part 1 §18.17.4.1: serial 25569 is 1970-01-01 in the 1900 date system (with the 1900 leap-year bug). */
export const UNIX_EPOCH_SERIAL = 25_569;
export const DAY_MS = 86_400_000;
export const DAY_S = 86_400;
/** Excel's sheet limit (§18.3.1.73 rows, Excel specification 1 048 576); row 1 is the header. */
export const MAX_DATA_ROWS = 1_048_575;
/** §18.3.1.73: sheet names are at most 31 characters and may not contain these. */
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;
export const SHEET_NAME_MAX = 31;

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** How a column's values are written and shown. */
export type CellType = 'text' | 'integer' | 'decimal1' | 'decimal2' | 'datetime' | 'datetimeUtc' | 'date' | 'duration' | 'boolean';

/** Index into `cellXfs` in styles.xml for each cell type, plus the header style. */
export const STYLE: Record<CellType | 'header', number> = {
  text: 0, datetime: 1, date: 2, duration: 3, decimal2: 4, integer: 5, header: 6, decimal1: 7, boolean: 0, datetimeUtc: 8,
};

/** Spreadsheet column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Spreadsheet date serial (days since 1899-12-30, 1900 system) of an instant shown in local time at `utcOffsetMin`. */
export function dateSerial(timeMs: number, utcOffsetMin = 0): number {
  return (timeMs + utcOffsetMin * 60_000) / DAY_MS + UNIX_EPOCH_SERIAL;
}

/** Serial of a `YYYY-MM-DD` calendar date. */
export function calendarDateSerial(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS + UNIX_EPOCH_SERIAL;
}

/** A sheet name Excel accepts, unique among `taken` (which it is added to). */
export function safeSheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(SHEET_NAME_FORBIDDEN, '_').replace(/^'+|'+$/g, '').slice(0, SHEET_NAME_MAX).trim() || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i += 1) name = `${base.slice(0, SHEET_NAME_MAX - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/** A sheet name quoted for use in a formula reference: `'Time entries'!`. */
export function sheetRef(sheetName: string): string {
  return `'${sheetName.replace(/'/g, "''")}'!`;
}

/** Writes a number as `<v>` text; `undefined` when it cannot be a cell value. */
function numberText(value: number): string | undefined {
  return Number.isFinite(value) ? String(value) : undefined;
}

/** One inline-string cell (§18.3.1.53 is); empty text gives no cell. */
export function textCell(ref: string, text: string, style = 0): string {
  if (text === '') return '';
  const escaped = escapeXml(text);
  const space = /^\s|\s$/.test(escaped) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is><t${space}>${escaped}</t></is></c>`;
}

/** One numeric cell; non-finite values give no cell. */
export function numberCell(ref: string, value: number, style = 0): string {
  const text = numberText(value);
  return text === undefined ? '' : `<c r="${ref}"${style ? ` s="${style}"` : ''}><v>${text}</v></c>`;
}

export function booleanCell(ref: string, value: boolean): string {
  return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
}

/** A formula cell with its cached result (number or text), so readers that do not recalculate still see the value. */
export function formulaCell(ref: string, formula: string, cached: number | string, style = 0): string {
  const s = style ? ` s="${style}"` : '';
  if (typeof cached === 'string') return `<c r="${ref}"${s} t="str"><f>${escapeXml(formula)}</f><v>${escapeXml(cached)}</v></c>`;
  return `<c r="${ref}"${s}><f>${escapeXml(formula)}</f><v>${numberText(cached) ?? 0}</v></c>`;
}

export function rowXml(rowNumber: number, cells: string): string {
  return `<row r="${rowNumber}">${cells}</row>`;
}

/** Sheet head: frozen first row (§18.3.1.66 pane), column widths in characters, then `<sheetData>`. */
export function sheetHead(widthsChars: readonly number[], isSelected = false): string {
  const cols = widthsChars.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  return `${XML_DECL}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">`
    + `<sheetViews><sheetView workbookViewId="0"${isSelected ? ' tabSelected="1"' : ''}>`
    + '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    + '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    + '<sheetFormatPr defaultRowHeight="15"/>'
    + (cols ? `<cols>${cols}</cols>` : '')
    + '<sheetData>';
}

export const SHEET_TAIL = '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';

/** The header row: bold text cells. */
export function headerRow(titles: readonly string[]): string {
  return rowXml(1, titles.map((t, i) => textCell(`${columnName(i)}1`, t, STYLE.header)).join(''));
}

/** `[Content_Types].xml` for `sheetCount` worksheets. */
export function contentTypesXml(sheetCount: number): string {
  let overrides = '';
  for (let i = 1; i <= sheetCount; i += 1) {
    overrides += `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`;
  }
  return `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    + '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    + `${overrides}</Types>`;
}

export function rootRelsXml(): string {
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">`
    + `<Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/>`
    + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    + `<Relationship Id="rId3" Type="${REL_TYPE}/extended-properties" Target="docProps/app.xml"/>`
    + '</Relationships>';
}

/** `xl/workbook.xml`; `fullCalcOnLoad` makes Excel and LibreOffice recompute the Summary formulas on open. */
export function workbookXml(sheetNames: readonly string[]): string {
  const sheets = sheetNames.map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  return `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">`
    + '<bookViews><workbookView activeTab="0"/></bookViews>'
    + `<sheets>${sheets}</sheets><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>`;
}

export function workbookRelsXml(sheetCount: number): string {
  let rels = '';
  for (let i = 1; i <= sheetCount; i += 1) rels += `<Relationship Id="rId${i}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${i}.xml"/>`;
  rels += `<Relationship Id="rId${sheetCount + 1}" Type="${REL_TYPE}/styles" Target="styles.xml"/>`;
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">${rels}</Relationships>`;
}

/** Styles: the `cellXfs` order must match `STYLE`. Custom number formats start at id 164 (§18.8.30). */
export function stylesXml(): string {
  return `${XML_DECL}<styleSheet xmlns="${NS_MAIN}">`
    + '<numFmts count="5"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    + '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/><numFmt numFmtId="167" formatCode="0.0"/>'
    // A UTC time shows its `Z` (the quoted literal of §18.8.31), so the cell says which clock it is on.
    + '<numFmt numFmtId="168" formatCode="yyyy-mm-dd hh:mm&quot;Z&quot;"/></numFmts>'
    + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    + '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    + '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    + '<fill><patternFill patternType="solid"><fgColor rgb="FFE7EEF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    + '<cellXfs count="9">'
    + '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    + '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    + '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '<xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';
}

/** `docProps/core.xml` (OPC core properties) with a fixed creation time for reproducible output. */
export function corePropsXml(title: string, createdAtMs: number): string {
  const created = new Date(createdAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" `
    + 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + `<dc:title>${escapeXml(title)}</dc:title><dc:creator>Takeaway</dc:creator>`
    + `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>`
    + `<dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified></cp:coreProperties>`;
}

export function appPropsXml(): string {
  return `${XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Takeaway</Application></Properties>`;
}
