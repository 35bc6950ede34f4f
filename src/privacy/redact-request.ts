// The copy of the request that goes into manifest.json and README.txt of an anonymised export: nothing in it
// may undo the anonymisation (zone centres are home addresses; the shift and the period undo a time shift).

import type { ExportRequest } from '../model/request.ts';

/**
 * The request without the zones' places and radii, the time shift, and, where they would identify records,
 * the filter's tags, categories, text, conditions (pseudonymised exports) and period (time-shifted exports).
 * A request without `options.privacy` comes back unchanged.
 */
export function redactRequest(request: ExportRequest): ExportRequest {
  const privacy = request.options.privacy;
  if (!privacy) return request;
  const { zones, timeShiftDays, ...kept } = privacy;
  const filter = { ...request.filter };
  if (privacy.pseudonymise) {
    delete filter.tags;
    delete filter.categories;
    delete filter.text;
    delete filter.conditions;
  }
  if ((timeShiftDays ?? 0) !== 0) delete filter.range;
  return {
    ...request,
    filter,
    options: { ...request.options, privacy: { ...kept, ...(zones?.length ? { zones: [] } : {}) } },
  };
}
