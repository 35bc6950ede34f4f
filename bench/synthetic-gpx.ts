// Writes a large synthetic GPX 1.1 file (one track, 1 Hz, position, elevation and heart rate) for the import bench.
// Usage: node --import tsx bench/synthetic-gpx.ts OUT.gpx POINTS

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Streams `points` track points into `path` without holding the document; resolves to the bytes written. */
export async function writeSyntheticGpx(path: string, points: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="takeaway-bench" xmlns="http://www.topografix.com/GPX/1/1"'
    + ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n<trk><name>Synthetic ride</name><type>cycling</type><trkseg>\n');
  const startMs = Date.UTC(2025, 2, 1, 7, 0, 0);
  let batch = '';
  for (let i = 0; i < points; i++) {
    const lat = (47 + Math.sin(i / 5000) * 0.05).toFixed(7);
    const lon = (8 + i * 0.00001).toFixed(7);
    const time = new Date(startMs + i * 1000).toISOString().replace('.000Z', 'Z');
    batch += `  <trkpt lat="${lat}" lon="${lon}"><ele>${(400 + Math.sin(i / 300) * 20).toFixed(1)}</ele><time>${time}</time>`
      + `<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${120 + (i % 40)}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>\n`;
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch + '</trkseg></trk>\n</gpx>\n');
  out.end();
  await once(out, 'finish');
  return bytes;
}

if (process.argv[1]?.endsWith('synthetic-gpx.ts')) {
  const [path, points] = process.argv.slice(2);
  if (path && points) console.log(await writeSyntheticGpx(path, Number(points)));
}
