// The one map from format id to encoder: adding a format means one line here.

import type { FormatId } from '../model/request.ts';
import type { FormatEncoder } from './types.ts';
import { csvFormat } from './csv/encode.ts';
import { fitFormat } from './fit/encode.ts';
import { gpxFormat } from './gpx/encode.ts';
import { jsonFormat } from './json/encode.ts';
import { originalFormat } from './original/encode.ts';
import { pdfFormat } from './pdf/encode.ts';
import { tcxFormat } from './tcx/encode.ts';
import { xlsxFormat } from './xlsx/encode.ts';
import { xmlFormat } from './xml/encode.ts';

export const FORMAT_REGISTRY: Record<FormatId, FormatEncoder> = {
  fit: fitFormat,
  tcx: tcxFormat,
  gpx: gpxFormat,
  csv: csvFormat,
  json: jsonFormat,
  xml: xmlFormat,
  xlsx: xlsxFormat,
  pdf: pdfFormat,
  original: originalFormat,
};
