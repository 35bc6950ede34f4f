// Report templates: which sections a PDF report has, in order. Data-only, so the UI may show the choices.

import type { PdfOptions, PdfTemplate } from '../../model/request.ts';

/** Chart sections, drawn two to a page. */
export type ChartSection = 'weeklyDistance' | 'weeklyTime' | 'heartRateZones' | 'dailySteps' | 'weight' | 'sleep';

export interface ReportTemplate {
  id: PdfTemplate;
  title: string;
  /** What the cover's headline covers. */
  cover: { activities: boolean; health: boolean };
  /** Monthly activity tables before the charts (monthly) or after them (year in review), or none. */
  tables: 'before-charts' | 'after-charts' | 'none';
  charts: readonly ChartSection[];
  /** Whether `activityPages: true` adds pages per activity. */
  allowsActivityPages: boolean;
}

export const REPORT_TEMPLATES: Record<PdfTemplate, ReportTemplate> = {
  'year-in-review': {
    id: 'year-in-review',
    title: 'Year in review',
    cover: { activities: true, health: true },
    tables: 'after-charts',
    charts: ['weeklyDistance', 'weeklyTime', 'heartRateZones', 'dailySteps', 'weight', 'sleep'],
    allowsActivityPages: true,
  },
  monthly: {
    id: 'monthly',
    title: 'Monthly report',
    cover: { activities: true, health: true },
    tables: 'before-charts',
    charts: ['weeklyDistance', 'weeklyTime', 'heartRateZones', 'dailySteps'],
    allowsActivityPages: true,
  },
  health: {
    id: 'health',
    title: 'Health report',
    cover: { activities: false, health: true },
    tables: 'none',
    charts: ['dailySteps', 'weight', 'sleep'],
    allowsActivityPages: false,
  },
};

/** Defaults of the PDF options: year in review, no activity pages. */
export const DEFAULT_PDF_OPTIONS: PdfOptions = { template: 'year-in-review', activityPages: false };

/** True when a template needs activity records (tables, activity charts or pages). */
export function templateUsesActivities(template: ReportTemplate): boolean {
  return template.cover.activities || template.tables !== 'none'
    || template.charts.some((c) => c === 'weeklyDistance' || c === 'weeklyTime' || c === 'heartRateZones');
}
