// Which samples of a track lie inside a privacy zone: one byte per sample, 1 = inside.

import type { TrackChunk } from '../model/records.ts';
import type { PrivacyZone } from '../model/request.ts';
import { isInsideAnyZone } from './zones.ts';

/**
 * Reads a track once and marks every sample inside a zone. A sample without a position (GPS dropout) takes
 * the state of the last fix before it, and samples before the first fix take the state of that first fix:
 * a dropout right at the front door must not reveal the door.
 * @returns the mask (length = samples read) and how many samples it marks
 */
export async function computeZoneMask(chunks: AsyncIterable<TrackChunk>, zones: readonly PrivacyZone[]): Promise<{ mask: Uint8Array; insideCount: number }> {
  const parts: Uint8Array[] = [];
  let length = 0;
  let last: 0 | 1 | undefined;
  let leading = 0;
  for await (const chunk of chunks) {
    const part = new Uint8Array(chunk.count);
    for (let k = 0; k < chunk.count; k++) {
      const latDeg = chunk.lat ? chunk.lat[k] : NaN;
      const lonDeg = chunk.lon ? chunk.lon[k] : NaN;
      if (Number.isFinite(latDeg) && Number.isFinite(lonDeg)) {
        const inside = isInsideAnyZone(latDeg, lonDeg, zones) ? 1 : 0;
        if (last === undefined && inside === 1) {
          // Back-fill the samples before the first fix, which may sit in earlier parts.
          fillLeading(parts, leading, part);
        }
        last = inside;
        part[k] = inside;
      } else if (last === undefined) {
        leading++;
      } else {
        part[k] = last;
      }
    }
    parts.push(part);
    length += chunk.count;
  }
  const mask = new Uint8Array(length);
  let offset = 0;
  let insideCount = 0;
  for (const part of parts) {
    mask.set(part, offset);
    offset += part.length;
  }
  for (const bit of mask) insideCount += bit;
  return { mask, insideCount };
}

/** Marks the first `count` samples (spread over `earlier` parts and then `current`) as inside. */
function fillLeading(earlier: Uint8Array[], count: number, current: Uint8Array): void {
  let remaining = count;
  for (const part of earlier) {
    const n = Math.min(remaining, part.length);
    part.fill(1, 0, n);
    remaining -= n;
  }
  current.fill(1, 0, remaining);
}
