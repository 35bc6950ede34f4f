// Privacy-zone geometry: is a position inside any of the circles a person drew around home or work?

import { haversineM } from '../model/geometry.ts';
import type { PrivacyZone } from '../model/request.ts';

/** True when the position lies inside (or on the edge of) any zone. NaN positions are never inside. */
export function isInsideAnyZone(latDeg: number, lonDeg: number, zones: readonly PrivacyZone[]): boolean {
  if (!Number.isFinite(latDeg) || !Number.isFinite(lonDeg)) return false;
  for (const zone of zones) {
    if (haversineM(latDeg, lonDeg, zone.latDeg, zone.lonDeg) <= zone.radiusM) return true;
  }
  return false;
}

/** Throws a RangeError naming the first invalid zone (centre out of range, radius not positive). */
export function checkZones(zones: readonly PrivacyZone[]): void {
  zones.forEach((zone, i) => {
    const ok = Number.isFinite(zone.latDeg) && Math.abs(zone.latDeg) <= 90 && Number.isFinite(zone.lonDeg)
      && Math.abs(zone.lonDeg) <= 180 && Number.isFinite(zone.radiusM) && zone.radiusM > 0;
    if (!ok) throw new RangeError(`privacy zone ${i + 1} is invalid: ${JSON.stringify(zone)}`);
  });
}
