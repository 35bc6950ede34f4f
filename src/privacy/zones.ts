// Privacy-zone geometry: is a position inside any of the circles a person drew around home or work?

import type { PrivacyZone } from '../model/request.ts';

/** Mean Earth radius, metres (IUGG), as used by the haversine formula. */
const EARTH_RADIUS_M = 6_371_008.8;
const DEG_TO_RAD = Math.PI / 180;

/** Great-circle distance between two positions, metres (haversine; error below 0.5 % against WGS84). */
export function distanceBetweenM(lat1Deg: number, lon1Deg: number, lat2Deg: number, lon2Deg: number): number {
  const dLat = (lat2Deg - lat1Deg) * DEG_TO_RAD;
  const dLon = (lon2Deg - lon1Deg) * DEG_TO_RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1Deg * DEG_TO_RAD) * Math.cos(lat2Deg * DEG_TO_RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** True when the position lies inside (or on the edge of) any zone. NaN positions are never inside. */
export function isInsideAnyZone(latDeg: number, lonDeg: number, zones: readonly PrivacyZone[]): boolean {
  if (!Number.isFinite(latDeg) || !Number.isFinite(lonDeg)) return false;
  for (const zone of zones) {
    if (distanceBetweenM(latDeg, lonDeg, zone.latDeg, zone.lonDeg) <= zone.radiusM) return true;
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
