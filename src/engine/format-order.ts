// Which encoder writes which kinds of a request, in the fixed order that keeps archives byte-identical.

import type { RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { FormatEncoder } from '../formats/types.ts';
import { ExportError } from '../model/errors.ts';

export type FormatRegistry = Partial<Record<FormatId, FormatEncoder>>;

/** Formats are always written in this order, whatever order the request lists them in. */
export const FORMAT_ORDER: readonly FormatId[] = ['fit', 'tcx', 'gpx', 'original', 'csv', 'json', 'xml', 'xlsx', 'pdf'];

export interface FormatJob {
  format: FormatEncoder;
  kinds: RecordKind[];
}

/** The formats a request asks for, each with the selected kinds it was chosen for. Throws INVALID_REQUEST on a mismatch. */
export function formatJobs(request: ExportRequest, registry: FormatRegistry): FormatJob[] {
  const kindsByFormat = new Map<FormatId, RecordKind[]>();
  for (const kind of request.filter.kinds) {
    for (const id of request.formats[kind] ?? []) {
      const format = registry[id];
      if (!format) throw new ExportError('INVALID_REQUEST', `format "${id}" is not available`);
      if (!format.kinds.includes(kind)) throw new ExportError('INVALID_REQUEST', `format "${id}" cannot write ${kind} records`);
      const kinds = kindsByFormat.get(id) ?? [];
      if (!kinds.includes(kind)) kinds.push(kind);
      kindsByFormat.set(id, kinds);
    }
  }
  if (kindsByFormat.size === 0) throw new ExportError('INVALID_REQUEST', 'the request selects no format for any of its kinds');
  return FORMAT_ORDER.filter((id) => kindsByFormat.has(id)).map((id) => ({ format: registry[id]!, kinds: kindsByFormat.get(id)! }));
}
