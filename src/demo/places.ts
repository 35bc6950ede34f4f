// The demo's home bases: where the person lives and travels, with time zone, climate, currency and rolling terrain.

/** One sine ridge of a home base's terrain: amplitude, wavelength and direction, with a phase. */
interface Ridge {
  amplitudeM: number;
  wavelengthM: number;
  directionRad: number;
  phaseRad: number;
}

export interface HomeBase {
  id: 'berlin' | 'zurich' | 'kyoto';
  lat: number;
  lon: number;
  timeZone: string;
  /** Altitude of the terrain's mean level, metres above sea level. */
  baseAltitudeM: number;
  ridges: readonly Ridge[];
  /** Monthly mean temperature: coldest (mid January) and warmest (mid July/August), °C. */
  winterTemperatureC: number;
  summerTemperatureC: number;
  currency: 'EUR' | 'CHF' | 'JPY';
}

function ridge(amplitudeM: number, wavelengthM: number, directionDeg: number, phaseRad: number): Ridge {
  return { amplitudeM, wavelengthM, directionRad: (directionDeg * Math.PI) / 180, phaseRad };
}

export const HOME_BASES: readonly HomeBase[] = [
  {
    id: 'berlin', lat: 52.5145, lon: 13.3501, timeZone: 'Europe/Berlin', baseAltitudeM: 42,
    ridges: [ridge(6, 1800, 20, 0.3), ridge(3, 700, 110, 1.9), ridge(9, 5200, 75, 4.1)],
    winterTemperatureC: 0.5, summerTemperatureC: 19.5, currency: 'EUR',
  },
  {
    id: 'zurich', lat: 47.3667, lon: 8.5410, timeZone: 'Europe/Zurich', baseAltitudeM: 430,
    ridges: [ridge(40, 4500, 35, 2.2), ridge(15, 1800, 140, 0.7), ridge(4, 600, 80, 5.0)],
    winterTemperatureC: 0.3, summerTemperatureC: 18.5, currency: 'CHF',
  },
  {
    id: 'kyoto', lat: 35.0116, lon: 135.7681, timeZone: 'Asia/Tokyo', baseAltitudeM: 55,
    ridges: [ridge(30, 3500, 60, 1.1), ridge(12, 1200, 170, 3.3), ridge(5, 500, 15, 0.2)],
    winterTemperatureC: 4.8, summerTemperatureC: 28.2, currency: 'JPY',
  },
];

const METRES_PER_DEGREE_LAT = 110_574;
const METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320;

/** Terrain altitude at a position near a base, metres; `scale` exaggerates the relief (hikes seek hills). */
export function terrainAltitudeM(base: HomeBase, lat: number, lon: number, scale = 1): number {
  const yM = (lat - base.lat) * METRES_PER_DEGREE_LAT;
  const xM = (lon - base.lon) * METRES_PER_DEGREE_LON_AT_EQUATOR * Math.cos((base.lat * Math.PI) / 180);
  let altitudeM = base.baseAltitudeM;
  for (const r of base.ridges) {
    const alongM = xM * Math.cos(r.directionRad) + yM * Math.sin(r.directionRad);
    altitudeM += scale * r.amplitudeM * Math.sin((2 * Math.PI * alongM) / r.wavelengthM + r.phaseRad);
  }
  return altitudeM;
}

/** Typical air temperature at a base on a day of the year (0 = 1 January), °C; peaks in late July. */
export function seasonalTemperatureC(base: HomeBase, dayOfYear: number): number {
  const mid = (base.winterTemperatureC + base.summerTemperatureC) / 2;
  const half = (base.summerTemperatureC - base.winterTemperatureC) / 2;
  return mid - half * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25);
}
