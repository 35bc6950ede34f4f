// FIT compressed-timestamp record headers (Forerunner 60/70/310XT era) rewritten as normal data messages with a
// timestamp field, because the Garmin JS SDK's Decoder refuses them ("not currently supported").
// FIT Protocol, "Compressed Timestamp Header": bit 7 set, bits 5–6 the local message type (0–3), bits 0–4 a time
// offset in seconds from the last full timestamp, rolling over every 32 s.

import { CrcCalculator } from '@garmin/fitsdk';
import { ExportError } from '../model/errors.ts';

const COMPRESSED_HEADER = 0x80;
const DEFINITION_HEADER = 0x40;
const DEVELOPER_DATA_FLAG = 0x20;
const LOCAL_TYPE_MASK = 0x0f;
const COMPRESSED_LOCAL_TYPE_SHIFT = 5;
const COMPRESSED_LOCAL_TYPE_MASK = 0x03;
const COMPRESSED_OFFSET_MASK = 0x1f;
/** Field number of `timestamp` in every message that has one, and its base type `uint32` (0x86). */
const TIMESTAMP_FIELD = 253;
const UINT32_BASE_TYPE = 0x86;
const FIT_CRC_SIZE = 2;

interface Definition {
  /** The definition message as written, header byte included. */
  bytes: Uint8Array;
  isBigEndian: boolean;
  /** Bytes of the normal fields, then of the developer fields. */
  fieldsSize: number;
  developerSize: number;
  /** Offset and size of a `timestamp` field within the data, if the message has one. */
  timestampOffset?: number;
}

function readDefinition(bytes: Uint8Array, at: number, end: number): Definition & { length: number } {
  const header = bytes[at];
  if (at + 6 > end) throw new ExportError('INVALID_INPUT', `FIT definition message at byte ${at} is cut off`);
  const isBigEndian = bytes[at + 2] === 1;
  const fieldCount = bytes[at + 5];
  let cursor = at + 6;
  let fieldsSize = 0;
  let timestampOffset: number | undefined;
  for (let i = 0; i < fieldCount; i++, cursor += 3) {
    if (bytes[cursor] === TIMESTAMP_FIELD && bytes[cursor + 1] === 4) timestampOffset = fieldsSize;
    fieldsSize += bytes[cursor + 1];
  }
  let developerSize = 0;
  if (header & DEVELOPER_DATA_FLAG) {
    const developerCount = bytes[cursor++];
    for (let i = 0; i < developerCount; i++, cursor += 3) developerSize += bytes[cursor + 1];
  }
  if (cursor > end) throw new ExportError('INVALID_INPUT', `FIT definition message at byte ${at} is cut off`);
  return { bytes: bytes.subarray(at, cursor), isBigEndian, fieldsSize, developerSize, timestampOffset, length: cursor - at };
}

/** The definition with a `timestamp` (uint32) appended to its normal fields, under the same local type. */
function withTimestampField(definition: Definition): Uint8Array {
  const source = definition.bytes;
  const fieldCount = source[5];
  const fieldsEnd = 6 + fieldCount * 3;
  const out = new Uint8Array(source.length + 3);
  out.set(source.subarray(0, fieldsEnd));
  out[5] = fieldCount + 1;
  out.set([TIMESTAMP_FIELD, 4, UINT32_BASE_TYPE], fieldsEnd);
  out.set(source.subarray(fieldsEnd), fieldsEnd + 3);
  return out;
}

/** True when some record header in the (possibly chained) FIT bytes is a compressed-timestamp header. */
export function hasCompressedTimestamps(bytes: Uint8Array): boolean {
  let found = false;
  walkFiles(bytes, (records) => {
    for (const record of records) if (record.kind === 'compressed') found = true;
  });
  return found;
}

type RecordPart =
  | { kind: 'definition'; local: number; definition: Definition }
  | { kind: 'data'; local: number; data: Uint8Array }
  | { kind: 'compressed'; local: number; offsetS: number; data: Uint8Array };

/** Calls `onFile` with the records of each FIT file in the chain; sizes and CRCs were checked by `checkFitIntegrity`. */
function walkFiles(bytes: Uint8Array, onFile: (records: RecordPart[], header: Uint8Array) => void): void {
  let offset = 0;
  while (offset < bytes.length) {
    const headerSize = bytes[offset];
    const dataSize = new DataView(bytes.buffer, bytes.byteOffset + offset + 4, 4).getUint32(0, true);
    const start = offset + headerSize;
    const end = start + dataSize;
    const definitions = new Map<number, Definition>();
    const records: RecordPart[] = [];
    let at = start;
    while (at < end) {
      const header = bytes[at];
      if (header & COMPRESSED_HEADER) {
        const local = (header >> COMPRESSED_LOCAL_TYPE_SHIFT) & COMPRESSED_LOCAL_TYPE_MASK;
        const definition = definitions.get(local);
        if (!definition) throw new ExportError('INVALID_INPUT', `FIT compressed-timestamp message at byte ${at} uses local type ${local}, which no definition precedes`);
        const size = definition.fieldsSize + definition.developerSize;
        records.push({ kind: 'compressed', local, offsetS: header & COMPRESSED_OFFSET_MASK, data: bytes.subarray(at + 1, at + 1 + size) });
        at += 1 + size;
      } else if (header & DEFINITION_HEADER) {
        const definition = readDefinition(bytes, at, end);
        definitions.set(header & LOCAL_TYPE_MASK, definition);
        records.push({ kind: 'definition', local: header & LOCAL_TYPE_MASK, definition });
        at += definition.length;
      } else {
        const local = header & LOCAL_TYPE_MASK;
        const definition = definitions.get(local);
        if (!definition) throw new ExportError('INVALID_INPUT', `FIT data message at byte ${at} uses local type ${local}, which no definition precedes`);
        const size = definition.fieldsSize + definition.developerSize;
        records.push({ kind: 'data', local, data: bytes.subarray(at + 1, at + 1 + size) });
        at += 1 + size;
      }
    }
    if (at !== end) throw new ExportError('INVALID_INPUT', `FIT file: the last message runs ${at - end} bytes past the data size`);
    onFile(records, bytes.subarray(offset, start));
    offset = end + FIT_CRC_SIZE;
  }
}

/**
 * Rewrites every compressed-timestamp message as a normal data message whose definition has a `timestamp` field,
 * worked out as the protocol says: the last full timestamp's upper 27 bits plus the 5-bit offset, plus 32 s when
 * the offset is below the last one's lower 5 bits (a rollover). Header data size and CRCs are recomputed; files
 * without compressed headers come back unchanged. Throws `INVALID_INPUT` when a compressed message comes before
 * any full timestamp (there is nothing to count from).
 */
export function expandCompressedTimestamps(bytes: Uint8Array): Uint8Array {
  if (!hasCompressedTimestamps(bytes)) return bytes;
  const parts: Uint8Array[] = [];
  walkFiles(bytes, (records, header) => {
    const body: Uint8Array[] = [];
    const original = new Map<number, Definition>();
    /** Which definition of each local type the output last wrote: the file's own, or the one with a timestamp. */
    const active = new Map<number, 'own' | 'expanded'>();
    let lastTimestamp: number | undefined;
    for (const record of records) {
      if (record.kind === 'definition') {
        original.set(record.local, record.definition);
        active.set(record.local, 'own');
        body.push(record.definition.bytes);
        continue;
      }
      const definition = original.get(record.local)!;
      const view = new DataView(record.data.buffer, record.data.byteOffset, record.data.length);
      if (record.kind === 'data') {
        if (active.get(record.local) !== 'own') {
          body.push(definition.bytes);
          active.set(record.local, 'own');
        }
        if (definition.timestampOffset !== undefined) {
          const value = view.getUint32(definition.timestampOffset, !definition.isBigEndian);
          if (value !== 0xffffffff) lastTimestamp = value;
        }
        body.push(Uint8Array.of(record.local), record.data);
        continue;
      }
      if (lastTimestamp === undefined) throw new ExportError('INVALID_INPUT', 'FIT compressed-timestamp message before any full timestamp: its time cannot be worked out');
      const lastLow = lastTimestamp & COMPRESSED_OFFSET_MASK;
      lastTimestamp = (lastTimestamp & ~COMPRESSED_OFFSET_MASK) + record.offsetS + (record.offsetS >= lastLow ? 0 : 0x20);
      lastTimestamp >>>= 0;
      if (active.get(record.local) !== 'expanded') {
        body.push(withTimestampField(definition));
        active.set(record.local, 'expanded');
      }
      const timestamp = new Uint8Array(4);
      new DataView(timestamp.buffer).setUint32(0, lastTimestamp, !definition.isBigEndian);
      body.push(Uint8Array.of(record.local), record.data.subarray(0, definition.fieldsSize), timestamp, record.data.subarray(definition.fieldsSize));
    }
    const dataSize = body.reduce((sum, part) => sum + part.length, 0);
    const file = new Uint8Array(header.length + dataSize + FIT_CRC_SIZE);
    file.set(header);
    new DataView(file.buffer).setUint32(4, dataSize, true);
    if (header.length === 14) {
      const headerCrc = CrcCalculator.calculateCRC(file, 0, 12);
      file[12] = headerCrc & 0xff;
      file[13] = headerCrc >> 8;
    }
    let at = header.length;
    for (const part of body) {
      file.set(part, at);
      at += part.length;
    }
    const crc = CrcCalculator.calculateCRC(file, 0, at);
    file[at] = crc & 0xff;
    file[at + 1] = crc >> 8;
    parts.push(file);
  });
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
