// Labels, MIME types and file extensions of every format. Data only: safe for the UI to import.

import type { FormatId } from '../model/request.ts';
import type { RecordKind } from '../model/records.ts';

export interface FormatMeta {
  id: FormatId;
  label: string;
  extension: string;
  mimeType: string;
  kinds: readonly RecordKind[];
  description: string;
}

export const FORMAT_META: Record<FormatId, FormatMeta> = {
  fit: { id: 'fit', label: 'FIT', extension: 'fit', mimeType: 'application/vnd.ant.fit', kinds: ['activity'], description: 'Garmin FIT activity files: what watches and training platforms read best.' },
  tcx: { id: 'tcx', label: 'TCX', extension: 'tcx', mimeType: 'application/vnd.garmin.tcx+xml', kinds: ['activity'], description: 'Training Center XML v2 with laps, heart rate, cadence, speed and power.' },
  gpx: { id: 'gpx', label: 'GPX 1.1', extension: 'gpx', mimeType: 'application/gpx+xml', kinds: ['activity'], description: 'GPS tracks for mapping tools, with heart rate, cadence, temperature and power extensions.' },
  csv: { id: 'csv', label: 'CSV', extension: 'csv', mimeType: 'text/csv', kinds: ['activity', 'steps', 'weight', 'sleep', 'record'], description: 'Spreadsheet tables, one per kind, split per year when large.' },
  json: { id: 'json', label: 'JSON', extension: 'json', mimeType: 'application/json', kinds: ['activity', 'steps', 'weight', 'sleep', 'record'], description: 'Lossless: a Takeaway export imports back without loss.' },
  xml: { id: 'xml', label: 'XML', extension: 'xml', mimeType: 'application/xml', kinds: ['activity', 'steps', 'weight', 'sleep', 'record'], description: 'Generic XML for systems that want it.' },
  pdf: { id: 'pdf', label: 'PDF report', extension: 'pdf', mimeType: 'application/pdf', kinds: ['activity', 'steps', 'weight', 'sleep'], description: 'A report to read, with tables and charts.' },
  xlsx: { id: 'xlsx', label: 'Excel workbook', extension: 'xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', kinds: ['activity', 'steps', 'weight', 'sleep', 'record'], description: 'One sheet per kind with a live Summary sheet.' },
  original: { id: 'original', label: 'Original files', extension: '', mimeType: 'application/octet-stream', kinds: ['activity'], description: 'The device files you imported, byte for byte.' },
};
