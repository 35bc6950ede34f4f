// The one map from format id to encoder: adding a format means one line here.

import type { FormatId } from '../model/request.ts';
import type { FormatEncoder } from './types.ts';
import { csvFormat } from './csv/encode.ts';
import { gpxFormat } from './gpx/encode.ts';
import { originalFormat } from './original/encode.ts';

export const FORMAT_REGISTRY: Partial<Record<FormatId, FormatEncoder>> = {
  gpx: gpxFormat,
  csv: csvFormat,
  original: originalFormat,
};
