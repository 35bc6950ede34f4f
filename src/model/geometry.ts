// Distances on the Earth's surface, shared by import (distance from positions), demo (tracks) and privacy (zones).

/** Mean Earth radius, metres (IUGG). */
export const EARTH_RADIUS_M = 6_371_008.8;
const DEG_TO_RAD = Math.PI / 180;

/** Great-circle distance between two WGS84 positions in degrees, metres (haversine; error below 0.5 % against WGS84). */
export function haversineM(lat1Deg: number, lon1Deg: number, lat2Deg: number, lon2Deg: number): number {
  const dLat = (lat2Deg - lat1Deg) * DEG_TO_RAD;
  const dLon = (lon2Deg - lon1Deg) * DEG_TO_RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1Deg * DEG_TO_RAD) * Math.cos(lat2Deg * DEG_TO_RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
