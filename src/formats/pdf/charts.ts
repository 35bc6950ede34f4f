// Vector charts drawn with jsPDF primitives (rects, polylines, text): stacked bars with optional line
// overlays on one or two axes, horizontal bars, a route outline, and the "No data for this chart" panel.

import type { jsPDF } from 'jspdf';

/** A rectangle on the page, millimetres from the top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Rgb = readonly [number, number, number];

export interface BarSeries {
  label: string;
  color: Rgb;
  values: readonly number[];
}

export interface LineSeries {
  label: string;
  color: Rgb;
  /** One value per category; NaN leaves a gap. */
  values: readonly number[];
  axis?: 'left' | 'right';
}

export interface ChartSpec {
  /** One label per category (bar slot); only some are printed when they would overlap. */
  categories: readonly string[];
  bars?: readonly BarSeries[];
  lines?: readonly LineSeries[];
  leftUnit: string;
  rightUnit?: string;
}

const AXIS_COLOR: Rgb = [90, 90, 90];
const GRID_COLOR: Rgb = [225, 225, 225];
const TEXT_COLOR: Rgb = [40, 40, 40];
const LABEL_PT = 7;

/** The message a chart without drawable data shows. */
export const NO_DATA_TEXT = 'No data for this chart';

/** A readable axis maximum and step above `max` (1, 2, 2.5 or 5 times a power of ten). */
export function niceScale(min: number, max: number, ticks = 5): { min: number; max: number; step: number } {
  if (!(max > min)) {
    const pad = Math.abs(max) > 0 ? Math.abs(max) * 0.1 : 1;
    return niceScale(min - pad, max + pad, ticks);
  }
  const raw = (max - min) / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step, step };
}

/** Short number text for axis labels: 12 500 → "12.5k", 0.25 → "0.25". */
export function axisNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${+(value / 1_000_000).toFixed(1)}M`;
  if (abs >= 10_000) return `${+(value / 1000).toFixed(1)}k`;
  return String(+value.toFixed(abs < 10 ? 2 : 1));
}

function setColor(doc: jsPDF, kind: 'draw' | 'fill' | 'text', color: Rgb): void {
  if (kind === 'draw') doc.setDrawColor(color[0], color[1], color[2]);
  else if (kind === 'fill') doc.setFillColor(color[0], color[1], color[2]);
  else doc.setTextColor(color[0], color[1], color[2]);
}

/** True when a chart spec has something to draw: a non-zero bar, or a line with two or more points. */
export function hasChartData(spec: ChartSpec): boolean {
  const hasBars = (spec.bars ?? []).some((s) => s.values.some((v) => Number.isFinite(v) && v > 0));
  const hasLine = (spec.lines ?? []).some((s) => s.values.filter((v) => Number.isFinite(v)).length >= 2);
  return spec.categories.length > 0 && (hasBars || hasLine);
}

/** A framed panel saying there is nothing to chart, and why. */
export function drawNoData(doc: jsPDF, box: Box, reason: string): void {
  setColor(doc, 'draw', GRID_COLOR);
  setColor(doc, 'fill', [248, 248, 248]);
  doc.rect(box.x, box.y, box.w, box.h, 'FD');
  setColor(doc, 'text', [110, 110, 110]);
  doc.setFontSize(12);
  doc.text(NO_DATA_TEXT, box.x + box.w / 2, box.y + box.h / 2 - 2, { align: 'center' });
  doc.setFontSize(8);
  doc.text(reason, box.x + box.w / 2, box.y + box.h / 2 + 5, { align: 'center' });
  setColor(doc, 'text', TEXT_COLOR);
}

function drawLegend(doc: jsPDF, box: Box, items: readonly { label: string; color: Rgb; isLine: boolean }[]): void {
  doc.setFontSize(LABEL_PT);
  let x = box.x;
  for (const item of items) {
    setColor(doc, 'fill', item.color);
    setColor(doc, 'draw', item.color);
    if (item.isLine) {
      doc.setLineWidth(0.6);
      doc.line(x, box.y - 1.2, x + 4, box.y - 1.2);
    } else doc.rect(x, box.y - 2.5, 3, 2.5, 'F');
    setColor(doc, 'text', TEXT_COLOR);
    doc.text(item.label, x + 5, box.y - 0.3);
    x += 8 + doc.getTextWidth(item.label);
  }
  doc.setLineWidth(0.2);
}

function valueRange(series: readonly LineSeries[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
}

/** Draws a polyline through the finite values, breaking at NaN. */
function drawPolyline(doc: jsPDF, points: readonly (readonly [number, number] | undefined)[]): void {
  let run: (readonly [number, number])[] = [];
  const flush = () => {
    if (run.length >= 2) {
      const deltas = run.slice(1).map((p, i) => [p[0] - run[i]![0], p[1] - run[i]![1]]);
      doc.lines(deltas, run[0]![0], run[0]![1], [1, 1], 'S', false);
    } else if (run.length === 1) doc.circle(run[0]![0], run[0]![1], 0.4, 'F');
    run = [];
  };
  for (const point of points) {
    if (point) run.push(point);
    else flush();
  }
  flush();
}

/**
 * Stacked bars (from zero) and/or lines over categories, with a left axis and an optional right axis for
 * `axis: 'right'` lines. Draws the no-data panel instead when `hasChartData` is false.
 */
export function drawChart(doc: jsPDF, box: Box, spec: ChartSpec, noDataReason: string): void {
  if (!hasChartData(spec)) {
    drawNoData(doc, box, noDataReason);
    return;
  }
  const bars = spec.bars ?? [];
  const lines = spec.lines ?? [];
  const leftLines = lines.filter((l) => (l.axis ?? 'left') === 'left');
  const rightLines = lines.filter((l) => l.axis === 'right');
  const plot: Box = { x: box.x + 14, y: box.y + 10, w: box.w - (rightLines.length ? 28 : 16), h: box.h - 20 };
  drawLegend(doc, { ...box, y: box.y + 2 }, [
    ...bars.map((b) => ({ label: b.label, color: b.color, isLine: false })),
    ...lines.map((l) => ({ label: l.label, color: l.color, isLine: true })),
  ]);

  const n = spec.categories.length;
  const stackTops = spec.categories.map((_, i) => bars.reduce((sum, s) => sum + (Number.isFinite(s.values[i]!) ? Math.max(0, s.values[i]!) : 0), 0));
  const [lineMin, lineMax] = valueRange(leftLines);
  const left = bars.length
    ? niceScale(0, Math.max(...stackTops, Number.isFinite(lineMax) ? lineMax : 0))
    : niceScale(lineMin, lineMax);
  const [rightMin, rightMax] = valueRange(rightLines);
  const right = rightLines.length ? niceScale(rightMin, rightMax) : undefined;
  const yOf = (scale: { min: number; max: number }, v: number) => plot.y + plot.h - ((v - scale.min) / (scale.max - scale.min)) * plot.h;

  // Grid and axes.
  doc.setFontSize(LABEL_PT);
  doc.setLineWidth(0.15);
  for (let v = left.min; v <= left.max + left.step / 2; v += left.step) {
    const y = yOf(left, v);
    setColor(doc, 'draw', GRID_COLOR);
    doc.line(plot.x, y, plot.x + plot.w, y);
    setColor(doc, 'text', AXIS_COLOR);
    doc.text(axisNumber(v), plot.x - 1.5, y + 1, { align: 'right' });
  }
  if (right) {
    for (let v = right.min; v <= right.max + right.step / 2; v += right.step) {
      doc.text(axisNumber(v), plot.x + plot.w + 1.5, yOf(right, v) + 1);
    }
    doc.text(spec.rightUnit ?? '', plot.x + plot.w + 1.5, plot.y - 4);
  }
  doc.text(spec.leftUnit, plot.x - 1.5, plot.y - 4, { align: 'right' });
  setColor(doc, 'draw', AXIS_COLOR);
  doc.setLineWidth(0.3);
  doc.line(plot.x, plot.y + plot.h, plot.x + plot.w, plot.y + plot.h);
  doc.line(plot.x, plot.y, plot.x, plot.y + plot.h);

  // Bars, stacked in series order.
  const slot = plot.w / n;
  const barW = Math.max(0.2, slot * 0.75);
  for (let i = 0; i < n; i += 1) {
    let base = 0;
    for (const s of bars) {
      const v = s.values[i]!;
      if (!(Number.isFinite(v) && v > 0)) continue;
      const y0 = yOf(left, base);
      const y1 = yOf(left, base + v);
      setColor(doc, 'fill', s.color);
      doc.rect(plot.x + i * slot + (slot - barW) / 2, y1, barW, y0 - y1, 'F');
      base += v;
    }
  }

  // Lines over the bars.
  doc.setLineWidth(0.5);
  for (const s of lines) {
    const scale = s.axis === 'right' && right ? right : left;
    setColor(doc, 'draw', s.color);
    setColor(doc, 'fill', s.color);
    drawPolyline(doc, s.values.map((v, i) => (Number.isFinite(v) ? [plot.x + (i + 0.5) * slot, yOf(scale, v)] as const : undefined)));
  }
  doc.setLineWidth(0.2);

  // Category labels, thinned so they do not overlap.
  setColor(doc, 'text', AXIS_COLOR);
  const widest = Math.max(...spec.categories.map((c) => doc.getTextWidth(c)));
  const every = Math.max(1, Math.ceil((widest + 2) / slot));
  for (let i = 0; i < n; i += every) {
    doc.text(spec.categories[i]!, plot.x + (i + 0.5) * slot, plot.y + plot.h + 4, { align: 'center' });
  }
  setColor(doc, 'text', TEXT_COLOR);
}

/** Horizontal bars with a label on the left and a value text on the right (heart-rate zones). */
export function drawHorizontalBars(
  doc: jsPDF,
  box: Box,
  items: readonly { label: string; value: number; color: Rgb; valueText: string }[],
  noDataReason: string,
): void {
  const max = Math.max(0, ...items.map((i) => i.value));
  if (!(max > 0)) {
    drawNoData(doc, box, noDataReason);
    return;
  }
  const labelW = 34;
  const valueW = 28;
  const rowH = Math.min(14, box.h / items.length);
  doc.setFontSize(8);
  items.forEach((item, i) => {
    const y = box.y + i * rowH;
    setColor(doc, 'text', TEXT_COLOR);
    doc.text(item.label, box.x, y + rowH / 2 + 1);
    const w = ((box.w - labelW - valueW) * item.value) / max;
    setColor(doc, 'fill', item.color);
    if (w > 0) doc.rect(box.x + labelW, y + rowH * 0.2, w, rowH * 0.6, 'F');
    doc.text(item.valueText, box.x + labelW + w + 2, y + rowH / 2 + 1);
  });
}

/** A route outline: lat/lon projected equirectangularly (x scaled by cos(latitude)) to fit the box. */
export function drawRoute(doc: jsPDF, box: Box, lat: readonly number[], lon: readonly number[], color: Rgb): void {
  if (lat.length < 2) {
    drawNoData(doc, box, 'This activity has no GPS positions.');
    return;
  }
  const midLat = (Math.min(...lat) + Math.max(...lat)) / 2;
  const xs = lon.map((v) => v * Math.cos((midLat * Math.PI) / 180));
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const [minY, maxY] = [Math.min(...lat), Math.max(...lat)];
  const span = Math.max(maxX - minX, maxY - minY) || 1e-6;
  const scale = (Math.min(box.w, box.h) - 8) / span;
  const offX = box.x + (box.w - (maxX - minX) * scale) / 2;
  const offY = box.y + (box.h + (maxY - minY) * scale) / 2;
  setColor(doc, 'draw', GRID_COLOR);
  doc.rect(box.x, box.y, box.w, box.h, 'S');
  setColor(doc, 'draw', color);
  doc.setLineWidth(0.6);
  drawPolyline(doc, xs.map((x, i) => [offX + (x - minX) * scale, offY - (lat[i]! - minY) * scale] as const));
  doc.setLineWidth(0.2);
  setColor(doc, 'fill', [46, 160, 67]);
  doc.circle(offX + (xs[0]! - minX) * scale, offY - (lat[0]! - minY) * scale, 1.2, 'F');
  setColor(doc, 'fill', [200, 40, 40]);
  doc.circle(offX + (xs.at(-1)! - minX) * scale, offY - (lat.at(-1)! - minY) * scale, 1.2, 'F');
}
