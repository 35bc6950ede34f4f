// Which encoder writes which kinds of a request, in the fixed order that keeps archives byte-identical.

import type { RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { FormatEncoder } from '../formats/types.ts';
import { parseExportRequest } from '../model/request-schema.ts';

export type FormatRegistry = Partial<Record<FormatId, FormatEncoder>>;

/** Formats are always written in this order, whatever order the request lists them in. */
export const FORMAT_ORDER: readonly FormatId[] = ['fit', 'tcx', 'gpx', 'original', 'csv', 'json', 'xml', 'xlsx', 'pdf'];

export interface FormatJob {
  format: FormatEncoder;
  kinds: RecordKind[];
}

/**
 * The formats a request asks for, each with the selected kinds it was chosen for. Checks the whole request with the
 * request schema first (every plan and run starts here), so a request is refused the same way on every path:
 * throws RequestError (INVALID_REQUEST) naming the field, for a format `registry` lacks or that cannot write its kind too.
 */
export function formatJobs(request: ExportRequest, registry: FormatRegistry): FormatJob[] {
  parseExportRequest(request, registry);
  const kindsByFormat = new Map<FormatId, RecordKind[]>();
  for (const kind of request.filter.kinds) {
    for (const id of request.formats[kind] ?? []) {
      const kinds = kindsByFormat.get(id) ?? [];
      if (!kinds.includes(kind)) kinds.push(kind);
      kindsByFormat.set(id, kinds);
    }
  }
  return FORMAT_ORDER.filter((id) => kindsByFormat.has(id)).map((id) => ({ format: registry[id]!, kinds: kindsByFormat.get(id)! }));
}
