// Lays out the report with jsPDF: cover with headline totals, table of contents with internal links, chart
// pages, monthly activity tables, optional activity pages, page numbers and document metadata.

import { jsPDF } from 'jspdf';
import type { Activity, Sport, TrackChunk } from '../../model/records.ts';
import type { RecordFilter, TimeStyle, UnitSystem } from '../../model/request.ts';
import type { RecordSource } from '../../model/source.ts';
import type { ActivityRow, ReportData } from './aggregate.ts';
import { drawChart, drawHorizontalBars, drawNoData, drawRoute, type Box, type ChartSpec, type Rgb } from './charts.ts';
import { registerFont } from './font.ts';
import type { ChartSection, ReportTemplate } from './templates.ts';
import {
  formatDecimal, formatDistance, formatDuration, formatInteger, formatLongDate, formatMonth, formatPaceOrSpeed, formatShortDate, MISSING,
  reportUnits, sportLabel, type ReportUnits,
} from './values.ts';

const PAGE_W = 210;
const PAGE_H = 297;
const MARGIN = 15;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const BOTTOM = PAGE_H - 18;
const TOC_PAGE = 2;
/** Points kept per activity-page profile or route: enough for a 180 mm wide line. */
const PROFILE_POINTS = 400;

const INK: Rgb = [33, 37, 41];
const MUTED: Rgb = [108, 117, 125];
const ACCENT: Rgb = [25, 95, 170];
export const SPORT_COLORS: Record<Sport, Rgb> = {
  running: [230, 120, 40], cycling: [40, 110, 200], walking: [60, 160, 90], hiking: [140, 100, 60],
  swimming: [40, 180, 200], rowing: [130, 80, 170], training: [200, 60, 80], transition: [170, 170, 120],
  paddling: [30, 140, 160], stand_up_paddleboarding: [20, 120, 140], kayaking: [50, 100, 120],
  cross_country_skiing: [110, 150, 210], alpine_skiing: [90, 90, 170], generic: [140, 140, 140],
};
const ZONE_COLORS: Rgb[] = [[150, 190, 230], [90, 170, 110], [240, 200, 60], [240, 140, 50], [210, 50, 50]];
const SLEEP_COLORS = { deep: [40, 60, 140], light: [100, 140, 220], rem: [160, 110, 210], awake: [240, 170, 120], asleep: [120, 130, 180] } satisfies Record<string, Rgb>;

const CHART_TITLES: Record<ChartSection, string> = {
  weeklyDistance: 'Distance per sport',
  weeklyTime: 'Moving time per sport',
  heartRateZones: 'Heart-rate zones',
  dailySteps: 'Daily steps',
  weight: 'Weight and body fat',
  sleep: 'Sleep duration and stages',
};

/** Table columns of the monthly activity tables, widths in millimetres (sum = content width), titles in `units`. */
function tableColumns(units: ReportUnits, timeStyle: TimeStyle): readonly { title: string; w: number; align: 'left' | 'right' }[] {
  // The trailing `Z` of UTC times needs 3 mm more; the name column gives them up.
  const isUtc = timeStyle === 'utc';
  return [
    { title: isUtc ? 'Date (UTC)' : 'Date', w: isUtc ? 28 : 25, align: 'left' },
    { title: 'Sport', w: 16, align: 'left' },
    { title: 'Name', w: isUtc ? 47 : 50, align: 'left' },
    { title: 'Duration', w: 17, align: 'right' },
    { title: `Distance (${units.distance})`, w: 20, align: 'right' },
    { title: 'Pace / speed', w: 21, align: 'right' },
    { title: 'Avg HR', w: 14, align: 'right' },
    { title: `Ascent (${units.elevation})`, w: 17, align: 'right' },
  ];
}

interface TocEntry {
  title: string;
  pageNumber: number;
  level: 0 | 1;
}

/** What the report builder needs besides the aggregates. */
export interface ReportInput {
  data: ReportData;
  template: ReportTemplate;
  activityPages: boolean;
  fontBytes: Uint8Array;
  createdAtMs: number;
  /** For activity pages, which stream each track once more. */
  source: RecordSource;
  filter: RecordFilter;
  signal?: AbortSignal;
  /** Units of every printed distance, elevation, pace, speed and weight. Default `metric`. */
  units?: UnitSystem;
  /** `local` (default): activity times in their own local time; `utc`: in UTC, marked `Z`. */
  timeStyle?: TimeStyle;
}

/** How one report prints values: fixed for the whole document. */
interface PrintStyle {
  units: ReportUnits;
  timeStyle: TimeStyle;
}

/** Date `YYYY-MM-DD` and time `HH:MM` (or `HH:MMZ` in UTC) an activity row is printed and grouped with. */
function rowWhen(row: ActivityRow, timeStyle: TimeStyle): { date: string; time: string } {
  if (timeStyle === 'local') return { date: row.localDate, time: row.localTime };
  const iso = new Date(row.startTimeMs).toISOString();
  return { date: iso.slice(0, 10), time: `${iso.slice(11, 16)}Z` };
}

function setRgb(doc: jsPDF, kind: 'text' | 'fill' | 'draw', c: Rgb): void {
  if (kind === 'text') doc.setTextColor(c[0], c[1], c[2]);
  else if (kind === 'fill') doc.setFillColor(c[0], c[1], c[2]);
  else doc.setDrawColor(c[0], c[1], c[2]);
}

/** Shortens text with an ellipsis to fit `widthMm` at the current font size. */
function fit(doc: jsPDF, text: string, widthMm: number): string {
  if (doc.getTextWidth(text) <= widthMm) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.getTextWidth(`${text.slice(0, mid)}…`) <= widthMm) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** A small FNV-1a hash as 32 hex digits, for a file identifier that depends only on the inputs. */
function fileIdHex(text: string): string {
  let out = '';
  for (let seed = 0; seed < 4; seed += 1) {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.toUpperCase();
}

function periodText(data: ReportData): string {
  if (!data.period) return 'No data in the selected period';
  const from = new Date(data.period.fromMs).toISOString().slice(0, 10);
  const to = new Date(data.period.toMs - 1).toISOString().slice(0, 10);
  return from === to ? formatLongDate(from) : `${formatLongDate(from)} – ${formatLongDate(to)}`;
}

class ReportWriter {
  readonly doc: jsPDF;
  readonly toc: TocEntry[] = [];
  y = MARGIN;

  constructor(fontBytes: Uint8Array, readonly print: PrintStyle) {
    this.doc = new jsPDF({ unit: 'mm', format: 'a4', compress: true, putOnlyUsedFonts: true });
    registerFont(this.doc, fontBytes);
    setRgb(this.doc, 'text', INK);
  }

  get page(): number {
    return this.doc.getNumberOfPages();
  }

  newPage(): void {
    this.doc.addPage('a4', 'portrait');
    this.y = MARGIN + 4;
  }

  /** A section heading, listed in the table of contents and the PDF outline. */
  heading(title: string, level: 0 | 1 = 0): void {
    this.doc.setFontSize(level === 0 ? 16 : 13);
    setRgb(this.doc, 'text', level === 0 ? ACCENT : INK);
    this.doc.text(title, MARGIN, this.y + 4);
    setRgb(this.doc, 'text', INK);
    this.toc.push({ title, pageNumber: this.page, level });
    this.y += level === 0 ? 11 : 9;
  }

  text(text: string, size = 10, color: Rgb = INK): void {
    this.doc.setFontSize(size);
    setRgb(this.doc, 'text', color);
    this.doc.text(text, MARGIN, this.y + size * 0.35);
    setRgb(this.doc, 'text', INK);
    this.y += size * 0.5 + 2;
  }

  ensureSpace(heightMm: number): boolean {
    if (this.y + heightMm <= BOTTOM) return false;
    this.newPage();
    return true;
  }
}

function drawCover(w: ReportWriter, input: ReportInput): void {
  const { doc } = w;
  const { data, template } = input;
  setRgb(doc, 'fill', ACCENT);
  doc.rect(0, 0, PAGE_W, 62, 'F');
  doc.setTextColor(255, 255, 255);
  doc.setFontSize(30);
  doc.text(template.title, MARGIN, 30);
  doc.setFontSize(14);
  doc.text(periodText(data), MARGIN, 42);
  doc.setFontSize(9);
  doc.text(`Takeaway report · created ${new Date(input.createdAtMs).toISOString().slice(0, 10)}`, MARGIN, 52);
  setRgb(doc, 'text', INK);
  w.y = 74;

  if (template.cover.activities) {
    w.text('Activities', 16, ACCENT);
    w.y += 1;
    const tiles: [string, string][] = [
      ['Activities', formatInteger(data.totals.count)],
      ['Distance', `${formatDistance(data.totals.distanceM, w.print.units, 1)} ${w.print.units.distance}`],
      ['Moving time', `${formatDecimal(data.totals.timerS / 3600, 1)} h`],
      ['Elevation gain', `${formatInteger(w.print.units.elevationFromM(data.totals.ascentM))} ${w.print.units.elevation}`],
    ];
    drawTiles(w, tiles);
    if (data.totals.count === 0) w.text('No activities in this period.', 10, MUTED);
    else drawSportTable(w, data);
    w.y += 4;
  }
  if (template.cover.health) {
    w.text('Health', 16, ACCENT);
    w.y += 1;
    const avg = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : undefined);
    const steps = avg(data.steps.map((d) => d.value));
    const weight = avg(data.weight.map((d) => d.value.weightKg));
    const fat = avg(data.weight.flatMap((d) => (d.value.bodyFatPct === undefined ? [] : [d.value.bodyFatPct])));
    const sleep = avg(data.sleep.map((d) => d.value.asleepS));
    drawTiles(w, [
      ['Steps per day', steps === undefined ? MISSING : formatInteger(steps)],
      ['Average weight', weight === undefined ? MISSING : `${formatDecimal(w.print.units.weightFromKg(weight), 1)} ${w.print.units.weight}`],
      ['Average body fat', fat === undefined ? MISSING : `${formatDecimal(fat, 1)} %`],
      ['Sleep per night', sleep === undefined ? MISSING : `${formatDuration(sleep).replace(/:\d\d$/, '')} h`],
    ]);
    const count = (n: number, one: string, many: string) => `${formatInteger(n)} ${n === 1 ? one : many}`;
    w.text(`${count(data.steps.length, 'day', 'days')} of steps, ${count(data.weight.length, 'day', 'days')} with weigh-ins, ${count(data.sleep.length, 'night', 'nights')} of sleep.`, 9, MUTED);
  }
}

function drawTiles(w: ReportWriter, tiles: readonly [string, string][]): void {
  const { doc } = w;
  const tileW = (CONTENT_W - 3 * 4) / 4;
  tiles.forEach(([label, value], i) => {
    const x = MARGIN + i * (tileW + 4);
    doc.setFillColor(241, 245, 250);
    doc.rect(x, w.y, tileW, 22, 'F');
    doc.setFontSize(8);
    setRgb(doc, 'text', MUTED);
    doc.text(label, x + 3, w.y + 6);
    doc.setFontSize(15);
    setRgb(doc, 'text', INK);
    doc.text(fit(doc, value, tileW - 6), x + 3, w.y + 16);
  });
  w.y += 27;
}

function drawSportTable(w: ReportWriter, data: ReportData): void {
  const { doc } = w;
  const { units } = w.print;
  const cols = [
    { t: 'Sport', x: MARGIN }, { t: 'Activities', x: MARGIN + 70 }, { t: `Distance (${units.distance})`, x: MARGIN + 105 },
    { t: 'Time (h)', x: MARGIN + 140 }, { t: `Ascent (${units.elevation})`, x: MARGIN + 175 },
  ];
  doc.setFontSize(9);
  setRgb(doc, 'text', MUTED);
  cols.forEach((c, i) => doc.text(c.t, c.x, w.y + 4, i === 0 ? {} : { align: 'right' }));
  w.y += 6;
  setRgb(doc, 'draw', [200, 200, 200]);
  doc.line(MARGIN, w.y, MARGIN + CONTENT_W, w.y);
  setRgb(doc, 'text', INK);
  const sports = [...data.bySport].sort((a, b) => b[1].distanceM - a[1].distanceM);
  for (const [sport, t] of sports) {
    w.y += 6;
    setRgb(doc, 'fill', SPORT_COLORS[sport]);
    doc.rect(MARGIN, w.y - 3, 3, 3, 'F');
    doc.text(sportLabel(sport), MARGIN + 5, w.y);
    doc.text(formatInteger(t.count), cols[1]!.x, w.y, { align: 'right' });
    doc.text(formatDistance(t.distanceM, units, 1), cols[2]!.x, w.y, { align: 'right' });
    doc.text(formatDecimal(t.timerS / 3600, 1), cols[3]!.x, w.y, { align: 'right' });
    doc.text(formatInteger(units.elevationFromM(t.ascentM)), cols[4]!.x, w.y, { align: 'right' });
  }
  w.y += 4;
}

function sportsIn(data: ReportData): Sport[] {
  return [...data.bySport.keys()].sort((a, b) => data.bySport.get(b)!.distanceM - data.bySport.get(a)!.distanceM);
}

function movingAverage(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    if (i + 1 < window) return Number.NaN;
    let sum = 0;
    for (let k = i + 1 - window; k <= i; k += 1) sum += values[k]!;
    return sum / window;
  });
}

/** Every date from the first to the last, with `value` or NaN. */
function daily<T>(rows: readonly { date: string; value: T }[], pick: (value: T) => number | undefined): { dates: string[]; values: number[] } {
  if (rows.length === 0) return { dates: [], values: [] };
  const byDate = new Map(rows.map((r) => [r.date, pick(r.value)]));
  const dates: string[] = [];
  const values: number[] = [];
  const sorted = [...byDate.keys()].sort();
  for (let ms = Date.parse(`${sorted[0]}T00:00:00Z`); ms <= Date.parse(`${sorted.at(-1)}T00:00:00Z`); ms += 86_400_000) {
    const date = new Date(ms).toISOString().slice(0, 10);
    dates.push(date);
    values.push(byDate.get(date) ?? Number.NaN);
  }
  return { dates, values };
}

function chartSpec(section: ChartSection, data: ReportData, units: ReportUnits): { spec: ChartSpec; reason: string } {
  const bucketLabel = (d: string) => (data.bucketUnit === 'week' ? formatShortDate(d) : formatMonth(d).replace(/ (\d\d)(\d\d)$/, " '$2"));
  const noActivities = 'There are no activities in this period.';
  switch (section) {
    case 'weeklyDistance':
    case 'weeklyTime': {
      const isDistance = section === 'weeklyDistance';
      return {
        spec: {
          categories: data.buckets.map((b) => bucketLabel(b.startDate)),
          bars: sportsIn(data).map((sport) => ({
            label: sportLabel(sport),
            color: SPORT_COLORS[sport],
            values: data.buckets.map((b) => { const s = b.bySport.get(sport); return s ? (isDistance ? units.distanceFromM(s.distanceM) : s.timerS / 3600) : 0; }),
          })),
          leftUnit: isDistance ? units.distance : 'h',
        },
        reason: noActivities,
      };
    }
    case 'dailySteps': {
      const { dates, values } = daily(data.steps, (v) => v);
      const filled = values.map((v) => (Number.isFinite(v) ? v : 0));
      return {
        spec: {
          categories: dates.map(formatShortDate),
          bars: [{ label: 'Steps', color: [120, 170, 220], values }],
          lines: dates.length >= 7 ? [{ label: '7-day average', color: [200, 60, 40], values: movingAverage(filled, 7) }] : [],
          leftUnit: 'steps',
        },
        reason: 'There are no step counts in this period.',
      };
    }
    case 'weight': {
      const { dates, values } = daily(data.weight, (v) => units.weightFromKg(v.weightKg));
      const fat = daily(data.weight, (v) => v.bodyFatPct).values;
      return {
        spec: {
          categories: dates.map(formatShortDate),
          lines: [
            { label: `Weight (${units.weight})`, color: [40, 110, 200] as Rgb, values: interpolateGaps(values) },
            ...(fat.some(Number.isFinite) ? [{ label: 'Body fat (%)', color: [230, 120, 40] as Rgb, values: interpolateGaps(fat), axis: 'right' as const }] : []),
          ],
          leftUnit: units.weight,
          rightUnit: '%',
        },
        reason: data.weight.length === 1 ? 'A trend needs at least two weigh-ins; this period has one.' : 'There are no weigh-ins in this period.',
      };
    }
    case 'sleep': {
      const { dates } = daily(data.sleep, (v) => v.asleepS);
      const byDate = new Map(data.sleep.map((d) => [d.date, d.value]));
      const stage = (pick: (n: NonNullable<ReturnType<typeof byDate.get>>) => number | undefined) => dates.map((d) => {
        const night = byDate.get(d);
        const v = night ? pick(night) : undefined;
        return v === undefined ? Number.NaN : v / 3600;
      });
      const hasStages = data.sleep.some((d) => d.value.deepS !== undefined || d.value.remS !== undefined);
      const bars = hasStages
        ? [
          { label: 'Deep', color: SLEEP_COLORS.deep, values: stage((n) => n.deepS) },
          { label: 'Light', color: SLEEP_COLORS.light, values: stage((n) => n.lightS) },
          { label: 'REM', color: SLEEP_COLORS.rem, values: stage((n) => n.remS) },
          { label: 'Awake', color: SLEEP_COLORS.awake, values: stage((n) => n.awakeS) },
        ]
        : [{ label: 'Asleep', color: SLEEP_COLORS.asleep, values: stage((n) => n.asleepS) }];
      return { spec: { categories: dates.map(formatShortDate), bars, leftUnit: 'h' }, reason: 'There are no nights of sleep in this period.' };
    }
    case 'heartRateZones':
      return { spec: { categories: [], leftUnit: '' }, reason: noActivities };
  }
}

/** Joins isolated weigh-ins into a line: gaps between known days are bridged linearly. */
function interpolateGaps(values: readonly number[]): number[] {
  const out = [...values];
  let last = -1;
  for (let i = 0; i < out.length; i += 1) {
    if (!Number.isFinite(out[i]!)) continue;
    if (last >= 0 && i - last > 1) for (let k = last + 1; k < i; k += 1) out[k] = out[last]! + ((out[i]! - out[last]!) * (k - last)) / (i - last);
    last = i;
  }
  return out;
}

function drawZones(w: ReportWriter, box: Box, data: ReportData): void {
  const zones = data.heartRateZones;
  if (!zones) {
    drawNoData(w.doc, box, data.totals.count === 0 ? 'There are no activities in this period.' : 'No heart-rate samples were recorded in this period.');
    return;
  }
  const bounds = [0, 60, 70, 80, 90, 100];
  const total = zones.secondsPerZone.reduce((s, v) => s + v, 0);
  w.doc.setFontSize(8);
  setRgb(w.doc, 'text', MUTED);
  w.doc.text(`Zones as % of maximum heart rate ${Math.round(zones.maxHeartRateBpm)} bpm`, box.x, box.y + 2);
  drawHorizontalBars(w.doc, { ...box, y: box.y + 6, h: box.h - 6 }, zones.secondsPerZone.map((s, i) => ({
    label: `Zone ${i + 1} (${i === 0 ? '<' : `${bounds[i]}–`}${bounds[i + 1]} %)`,
    value: s,
    color: ZONE_COLORS[i]!,
    valueText: `${formatDecimal(s / 3600, 1)} h · ${total > 0 ? Math.round((100 * s) / total) : 0} %`,
  })), 'No heart-rate samples were recorded in this period.');
}

const CHART_H = 100;

function drawCharts(w: ReportWriter, input: ReportInput): void {
  const charts = input.template.charts;
  if (charts.length === 0) return;
  w.newPage();
  w.heading('Charts');
  for (const section of charts) {
    w.ensureSpace(CHART_H + 12);
    w.heading(CHART_TITLES[section], 1);
    const box: Box = { x: MARGIN, y: w.y, w: CONTENT_W, h: CHART_H };
    if (section === 'heartRateZones') drawZones(w, { ...box, h: 80 }, input.data);
    else {
      const { spec, reason } = chartSpec(section, input.data, w.print.units);
      drawChart(w.doc, box, spec, reason);
    }
    w.y += CHART_H + 8;
  }
}

function tableHeader(w: ReportWriter): void {
  const { doc } = w;
  const columns = tableColumns(w.print.units, w.print.timeStyle);
  doc.setFillColor(231, 238, 247);
  doc.rect(MARGIN, w.y, CONTENT_W, 6, 'F');
  doc.setFontSize(8);
  setRgb(doc, 'text', INK);
  let x = MARGIN;
  for (const c of columns) {
    doc.text(c.title, c.align === 'left' ? x + 1 : x + c.w - 1, w.y + 4.2, c.align === 'left' ? {} : { align: 'right' });
    x += c.w;
  }
  w.y += 6;
}

function tableCells(row: ActivityRow, print: PrintStyle): string[] {
  const when = rowWhen(row, print.timeStyle);
  return [
    `${when.date} ${when.time}`,
    sportLabel(row.sport),
    row.name || sportLabel(row.sport),
    formatDuration(row.timerS),
    formatDistance(row.distanceM, print.units),
    formatPaceOrSpeed(row.sport, row.timerS, row.distanceM, print.units),
    row.avgHeartRateBpm === undefined ? MISSING : String(Math.round(row.avgHeartRateBpm)),
    row.ascentM === undefined ? MISSING : formatInteger(print.units.elevationFromM(row.ascentM)),
  ];
}

function drawMonthlyTables(w: ReportWriter, data: ReportData): void {
  w.newPage();
  w.heading('Activities by month');
  if (data.activities.length === 0) {
    w.text('No activities in this period.', 10, MUTED);
    return;
  }
  const months = new Map<string, ActivityRow[]>();
  for (const row of data.activities) {
    const key = rowWhen(row, w.print.timeStyle).date.slice(0, 7);
    let list = months.get(key);
    if (!list) months.set(key, (list = []));
    list.push(row);
  }
  const { doc } = w;
  const { units } = w.print;
  const columns = tableColumns(units, w.print.timeStyle);
  for (const [month, rows] of months) {
    w.ensureSpace(28);
    w.heading(formatMonth(month), 1);
    const total = rows.reduce((s, r) => ({ d: s.d + (r.distanceM ?? 0), t: s.t + r.timerS }), { d: 0, t: 0 });
    w.text(`${rows.length} activities · ${formatDistance(total.d, units, 1)} ${units.distance} · ${formatDecimal(total.t / 3600, 1)} h`, 8, MUTED);
    tableHeader(w);
    rows.forEach((row, i) => {
      if (w.ensureSpace(5.5)) {
        w.text(`${formatMonth(month)} (continued)`, 9, MUTED);
        tableHeader(w);
      }
      if (i % 2 === 1) {
        doc.setFillColor(248, 249, 251);
        doc.rect(MARGIN, w.y, CONTENT_W, 5.5, 'F');
      }
      doc.setFontSize(8);
      let x = MARGIN;
      tableCells(row, w.print).forEach((cell, c) => {
        const col = columns[c]!;
        const text = fit(doc, cell, col.w - 2);
        doc.text(text, col.align === 'left' ? x + 1 : x + col.w - 1, w.y + 3.9, col.align === 'left' ? {} : { align: 'right' });
        x += col.w;
      });
      w.y += 5.5;
    });
    w.y += 6;
  }
}

/** Keeps every `stride`-th sample of the channels an activity page draws. */
interface Profile {
  elapsedMin: number[];
  heartRateBpm: number[];
  altitudeM: number[];
  lat: number[];
  lon: number[];
}

async function readProfile(source: RecordSource, activity: Activity, signal?: AbortSignal): Promise<Profile> {
  const stride = Math.max(1, Math.ceil(activity.sampleCount / PROFILE_POINTS));
  const profile: Profile = { elapsedMin: [], heartRateBpm: [], altitudeM: [], lat: [], lon: [] };
  let index = 0;
  const push = (chunk: TrackChunk, i: number) => {
    profile.elapsedMin.push((chunk.timeMs[i]! - activity.startTimeMs) / 60_000);
    profile.heartRateBpm.push(chunk.heartRateBpm ? chunk.heartRateBpm[i]! : Number.NaN);
    profile.altitudeM.push(chunk.altitudeM ? chunk.altitudeM[i]! : Number.NaN);
    const lat = chunk.lat?.[i];
    const lon = chunk.lon?.[i];
    if (lat !== undefined && lon !== undefined && Number.isFinite(lat) && Number.isFinite(lon)) {
      profile.lat.push(lat);
      profile.lon.push(lon);
    }
  };
  for await (const chunk of source.track(activity)) {
    signal?.throwIfAborted();
    for (let i = 0; i < chunk.count; i += 1, index += 1) if (index % stride === 0) push(chunk, i);
  }
  return profile;
}

/** The one-line summary under an activity page's title. */
function activityLine(row: ActivityRow, print: PrintStyle): string {
  const { units } = print;
  const when = rowWhen(row, print.timeStyle);
  return `${formatLongDate(when.date)} ${when.time} · ${sportLabel(row.sport)} · ${formatDuration(row.timerS)} · `
    + `${formatDistance(row.distanceM, units)} ${units.distance} · ${formatPaceOrSpeed(row.sport, row.timerS, row.distanceM, units)}`
    + `${row.avgHeartRateBpm ? ` · avg HR ${Math.round(row.avgHeartRateBpm)} bpm` : ''}`
    + `${row.ascentM !== undefined ? ` · ascent ${formatInteger(units.elevationFromM(row.ascentM))} ${units.elevation}` : ''}`;
}

async function drawActivityPages(w: ReportWriter, input: ReportInput): Promise<void> {
  let isFirst = true;
  for await (const batch of input.source.records('activity', input.filter, 100)) {
    for (const activity of batch) {
      input.signal?.throwIfAborted();
      w.newPage();
      if (isFirst) w.heading('Activity pages');
      isFirst = false;
      const row = input.data.activities.find((r) => r.id === activity.id);
      const { doc } = w;
      doc.setFontSize(15);
      doc.text(fit(doc, activity.name || sportLabel(activity.sport), CONTENT_W), MARGIN, w.y + 5);
      w.y += 9;
      if (row) w.text(activityLine(row, w.print), 9, MUTED);
      const profile = await readProfile(input.source, activity, input.signal);
      w.y += 2;
      drawRoute(doc, { x: MARGIN + 30, y: w.y, w: 120, h: 90 }, profile.lat, profile.lon, SPORT_COLORS[activity.sport]);
      w.y += 96;
      const minutes = profile.elapsedMin.map((m) => `${Math.round(m)} min`);
      const { units } = w.print;
      for (const [label, values, color, unit] of [
        ['Heart rate', profile.heartRateBpm, [210, 50, 50], 'bpm'],
        ['Altitude', profile.altitudeM.map((m) => units.elevationFromM(m)), [60, 130, 80], units.elevation],
      ] as const) {
        w.text(label, 11);
        drawChart(doc, { x: MARGIN, y: w.y, w: CONTENT_W, h: 56 }, { categories: minutes, lines: [{ label, color, values }], leftUnit: unit }, `This activity has no ${label.toLowerCase()} samples.`);
        w.y += 62;
      }
    }
  }
}

function drawToc(w: ReportWriter): void {
  const { doc } = w;
  doc.setPage(TOC_PAGE);
  doc.setFontSize(18);
  setRgb(doc, 'text', ACCENT);
  doc.text('Contents', MARGIN, MARGIN + 8);
  const entries = w.toc;
  const rowH = Math.min(7, (BOTTOM - MARGIN - 20) / Math.max(1, entries.length));
  let y = MARGIN + 20;
  for (const entry of entries) {
    const indent = entry.level === 0 ? 0 : 6;
    doc.setFontSize(Math.min(entry.level === 0 ? 11 : 10, rowH * 1.6));
    setRgb(doc, 'text', entry.level === 0 ? INK : MUTED);
    doc.text(entry.title, MARGIN + indent, y);
    doc.text(String(entry.pageNumber), MARGIN + CONTENT_W, y, { align: 'right' });
    doc.link(MARGIN, y - rowH * 0.75, CONTENT_W, rowH, { pageNumber: entry.pageNumber });
    y += rowH;
  }
  const parents: ReturnType<typeof doc.outline.add>[] = [];
  for (const entry of entries) {
    const item = doc.outline.add(entry.level === 0 ? null : (parents.at(-1) ?? null), entry.title, { pageNumber: entry.pageNumber });
    if (entry.level === 0) parents.push(item);
  }
}

function drawPageNumbers(w: ReportWriter, title: string): void {
  const { doc } = w;
  const pages = doc.getNumberOfPages();
  for (let page = 1; page <= pages; page += 1) {
    doc.setPage(page);
    doc.setFontSize(8);
    setRgb(doc, 'text', MUTED);
    doc.text(`Page ${page} of ${pages}`, PAGE_W - MARGIN, PAGE_H - 8, { align: 'right' });
    if (page > 1) doc.text(`Takeaway · ${title}`, MARGIN, PAGE_H - 8);
  }
}

/** Builds the whole report and returns the PDF bytes (jsPDF holds the document in memory; the inputs are aggregates). */
export async function buildReport(input: ReportInput): Promise<Uint8Array> {
  const w = new ReportWriter(input.fontBytes, { units: reportUnits(input.units), timeStyle: input.timeStyle ?? 'local' });
  const { template, data } = input;
  const title = `${template.title}: ${periodText(data)}`;
  drawCover(w, input);
  w.newPage(); // table of contents, filled in once the pages are known
  if (template.tables === 'before-charts') drawMonthlyTables(w, data);
  drawCharts(w, input);
  if (template.tables === 'after-charts') drawMonthlyTables(w, data);
  if (input.activityPages && template.allowsActivityPages) await drawActivityPages(w, input);
  drawToc(w);
  drawPageNumbers(w, title);
  w.doc.setDocumentProperties({
    title: `Takeaway ${title}`,
    subject: `${template.title} of activities and health data`,
    author: 'Takeaway',
    creator: 'Takeaway',
    keywords: 'fitness, activities, health, report',
  });
  w.doc.setCreationDate(new Date(input.createdAtMs));
  w.doc.setFileId(fileIdHex(`${title}|${input.createdAtMs}`));
  return new Uint8Array(w.doc.output('arraybuffer'));
}
