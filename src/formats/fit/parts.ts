// Pure builders for the pieces of a FIT file: the file header, definition and data messages, the CRC,
// FIT time and semicircles. Field numbers, base types, scales and offsets are taken from the FIT profile
// as shipped in @garmin/fitsdk 21.217.0 (src/profile.js, src/fit.js); section names cite the FIT Protocol doc.

// ---- Spec constants ----

/** File header size including its CRC (FIT Protocol § "File Header": 12 or 14 bytes, 14 preferred). */
export const FIT_HEADER_SIZE = 14;
/** Header bytes covered by the header CRC (all but the CRC itself). */
export const FIT_HEADER_SIZE_WITHOUT_CRC = 12;
/**
 * Protocol version byte, major in the high nibble (§ "File Header", byte 1). We write 1.0: every field we use
 * exists in protocol 1.0 (no developer fields, no 64-bit types), so older readers accept the file too.
 */
export const FIT_PROTOCOL_VERSION = 0x10;
/** Profile version, major × 1000 + minor, as the SDK we checked the field numbers against writes it (21.217). */
export const FIT_PROFILE_VERSION = 21_217;
/** ".FIT" in ASCII, header bytes 8–11 (§ "File Header"). */
export const FIT_DATA_TYPE = [0x2e, 0x46, 0x49, 0x54] as const;
/** The header's data size is a uint32 (§ "File Header", bytes 4–7). */
export const FIT_MAX_DATA_SIZE = 0xffff_ffff;
/** The file ends with a CRC-16 over header and data (§ "CRC"). */
export const FIT_CRC_SIZE = 2;

/** Normal record header bit 6: 1 = definition message, 0 = data message (§ "Record Header"). */
export const FIT_DEFINITION_FLAG = 0x40;
/** Local message types are 4 bits (§ "Normal Header"): 0–15. */
export const FIT_MAX_LOCAL_MESG = 15;
/** Architecture byte of a definition message: 0 = little endian (§ "Definition Message"). */
export const FIT_ARCH_LITTLE_ENDIAN = 0;
/** Definition message bytes before the field list: header, reserved, architecture, global number (2), field count. */
export const FIT_DEFINITION_FIXED_SIZE = 6;
/** Each field definition: field number, size in bytes, base type. */
export const FIT_FIELD_DEFINITION_SIZE = 3;
/** Strings (and arrays) are at most 255 bytes: the field size is a uint8 (§ "Field Definition"). */
export const FIT_MAX_FIELD_SIZE = 255;

/** FIT epoch 1989-12-31T00:00:00Z in Unix seconds (profile type `date_time`). */
export const FIT_EPOCH_UNIX_S = 631_065_600;
/** `date_time` values below 0x10000000 mean "seconds since device power-up", not a date (profile type `date_time`, value `min`). */
export const FIT_DATE_TIME_MIN = 0x1000_0000;
/** Largest valid `date_time` (uint32, 0xFFFFFFFF is invalid). */
export const FIT_DATE_TIME_MAX = 0xffff_fffe;
/** Earliest instant a FIT `date_time` can hold as an absolute time: 1998-07-03T21:24:16Z, epoch ms. */
export const FIT_EARLIEST_MS = (FIT_EPOCH_UNIX_S + FIT_DATE_TIME_MIN) * 1000;
/** Latest instant a FIT `date_time` can hold: 2126-02-06T06:28:14Z, epoch ms. */
export const FIT_LATEST_MS = (FIT_EPOCH_UNIX_S + FIT_DATE_TIME_MAX) * 1000;
/** Positions are sint32 semicircles: 2^31 semicircles = 180° (profile fields `position_lat`/`position_long`). */
export const SEMICIRCLES_PER_DEGREE = 2 ** 31 / 180;

/** Global message numbers (profile type `mesg_num`). */
export const MESG_FILE_ID = 0;
export const MESG_SESSION = 18;
export const MESG_LAP = 19;
export const MESG_RECORD = 20;
export const MESG_EVENT = 21;
export const MESG_DEVICE_INFO = 23;
export const MESG_ACTIVITY = 34;

/** A FIT base type (§ "Base Types"): the id byte (with the endian bit 0x80 for multi-byte types), size and valid range. */
export interface FitBaseType {
  readonly id: number;
  readonly size: number;
  /** The value that means "no data". */
  readonly invalid: number;
  readonly min: number;
  readonly max: number;
}

export const FIT_ENUM: FitBaseType = { id: 0x00, size: 1, invalid: 0xff, min: 0, max: 0xfe };
export const FIT_SINT8: FitBaseType = { id: 0x01, size: 1, invalid: 0x7f, min: -0x80, max: 0x7e };
export const FIT_UINT8: FitBaseType = { id: 0x02, size: 1, invalid: 0xff, min: 0, max: 0xfe };
export const FIT_UINT16: FitBaseType = { id: 0x84, size: 2, invalid: 0xffff, min: 0, max: 0xfffe };
export const FIT_SINT32: FitBaseType = { id: 0x85, size: 4, invalid: 0x7fff_ffff, min: -0x8000_0000, max: 0x7fff_fffe };
export const FIT_UINT32: FitBaseType = { id: 0x86, size: 4, invalid: 0xffff_ffff, min: 0, max: 0xffff_fffe };
/** uint32z: 0 is the invalid value (used for serial numbers). */
export const FIT_UINT32Z: FitBaseType = { id: 0x8c, size: 4, invalid: 0, min: 1, max: 0xffff_ffff };
/** Null-terminated UTF-8; the size comes from the field definition. */
export const FIT_STRING: FitBaseType = { id: 0x07, size: 1, invalid: 0, min: 0, max: 0 };

// ---- CRC-16 ----

/**
 * CRC-16 of the FIT spec (§ "CRC": polynomial 0xA001 reflected, initial 0; also known as CRC-16/ARC).
 * Table k holds the CRC of a byte followed by k zero bytes, so the loop takes 8 bytes per step ("slicing-by-8").
 */
const CRC_TABLES = buildCrcTables(8);
const [T0, T1, T2, T3, T4, T5, T6, T7] = CRC_TABLES;

function buildCrcTables(count: number): Uint16Array[] {
  const tables = Array.from({ length: count }, () => new Uint16Array(256));
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    tables[0][byte] = crc;
  }
  for (let k = 1; k < count; k++) {
    for (let byte = 0; byte < 256; byte++) {
      const previous = tables[k - 1][byte];
      tables[k][byte] = (previous >>> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}

/**
 * Continues a FIT CRC-16 over `bytes[start, end)`. Start with `crc = 0`; feed pieces in order to get the CRC
 * of their concatenation.
 */
export function updateFitCrc(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = crc;
  let i = start;
  for (const last = end - 8; i <= last; i += 8) {
    c ^= bytes[i] | (bytes[i + 1] << 8);
    c = T7[c & 0xff] ^ T6[c >>> 8] ^ T5[bytes[i + 2]] ^ T4[bytes[i + 3]]
      ^ T3[bytes[i + 4]] ^ T2[bytes[i + 5]] ^ T1[bytes[i + 6]] ^ T0[bytes[i + 7]];
  }
  for (; i < end; i++) c = (c >>> 8) ^ T0[(c ^ bytes[i]) & 0xff];
  return c;
}

// ---- Time and position ----

/** FIT `date_time` (seconds since 1989-12-31T00:00:00Z) of an instant in epoch ms, truncated to the second. */
export function fitTimeFromMs(timeMs: number): number {
  return Math.floor(timeMs / 1000) - FIT_EPOCH_UNIX_S;
}

/** True when an instant (epoch ms) fits a FIT `date_time` as an absolute time. */
export function isFitDateTime(timeMs: number): boolean {
  return timeMs >= FIT_EARLIEST_MS && timeMs < FIT_LATEST_MS + 1000;
}

/**
 * Semicircles of an angle in degrees, rounded, wrapped into sint32 (so 180° becomes -2^31, the same meridian).
 * The one value that would read as "invalid" (2^31 - 1) moves by one semicircle (8 nm).
 */
export function degreesToSemicircles(degrees: number): number {
  const semicircles = Math.round(degrees * SEMICIRCLES_PER_DEGREE) | 0;
  return semicircles === 0x7fff_ffff ? 0x7fff_fffe : semicircles;
}

// ---- Messages ----

/** One field of a message: number, base type and raw value (already scaled); `undefined` or NaN writes the invalid value. */
export interface FitField {
  num: number;
  type: FitBaseType;
  /** Raw integer (rounded here), or the bytes of a string from `encodeFitString`. */
  value: number | Uint8Array | undefined;
}

/** Bytes of one field: a string's byte length, else its base type's size. */
export function fitFieldSize(field: FitField): number {
  return field.value instanceof Uint8Array ? field.value.length : field.type.size;
}

/** A definition message binding a local message type to a global message and its field layout (§ "Definition Message"). */
export function encodeDefinition(localMesg: number, globalMesg: number, fields: readonly FitField[]): Uint8Array {
  if (localMesg < 0 || localMesg > FIT_MAX_LOCAL_MESG) throw new RangeError(`FIT local message type ${localMesg} is not 0–15`);
  const bytes = new Uint8Array(FIT_DEFINITION_FIXED_SIZE + FIT_FIELD_DEFINITION_SIZE * fields.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = FIT_DEFINITION_FLAG | localMesg;
  bytes[1] = 0;
  bytes[2] = FIT_ARCH_LITTLE_ENDIAN;
  view.setUint16(3, globalMesg, true);
  bytes[5] = fields.length;
  let pos = FIT_DEFINITION_FIXED_SIZE;
  for (const field of fields) {
    const size = fitFieldSize(field);
    if (size < 1 || size > FIT_MAX_FIELD_SIZE) throw new RangeError(`FIT field ${field.num} has size ${size}`);
    bytes[pos] = field.num;
    bytes[pos + 1] = size;
    bytes[pos + 2] = field.type.id;
    pos += FIT_FIELD_DEFINITION_SIZE;
  }
  return bytes;
}

/** A data message of a local message type; fields must be in the same order and sizes as its definition (§ "Data Message"). */
export function encodeDataMessage(localMesg: number, fields: readonly FitField[]): Uint8Array {
  let size = 1;
  for (const field of fields) size += fitFieldSize(field);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = localMesg;
  let pos = 1;
  for (const field of fields) {
    if (field.value instanceof Uint8Array) {
      bytes.set(field.value, pos);
      pos += field.value.length;
    } else {
      writeFitNumber(view, pos, field.type, field.value);
      pos += field.type.size;
    }
  }
  return bytes;
}

/** Writes a number rounded to the base type, or its invalid value when it is missing or out of range. */
export function writeFitNumber(view: DataView, pos: number, type: FitBaseType, value: number | undefined): void {
  let raw = value === undefined ? Number.NaN : Math.round(value);
  if (!(raw >= type.min && raw <= type.max)) raw = type.invalid;
  switch (type.size) {
    case 1: view.setUint8(pos, raw & 0xff); break;
    case 2: view.setUint16(pos, raw & 0xffff, true); break;
    case 4: view.setUint32(pos, raw >>> 0, true); break;
    default: throw new RangeError(`FIT base type 0x${type.id.toString(16)} of size ${type.size} is not supported`);
  }
}

/** The raw value of a scaled field: `(value + offset) × scale` (profile `scale`/`offset`), or `undefined` when unknown. */
export function scaled(value: number | undefined, scale: number, offset = 0): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : (value + offset) * scale;
}

const utf8 = new TextEncoder();

/**
 * A FIT string: UTF-8, null-terminated, cut on a character boundary so it fits `maxBytes` including the terminator.
 * Returns `undefined` for an empty or absent text (a FIT field cannot have size 0).
 */
export function encodeFitString(text: string | undefined, maxBytes = FIT_MAX_FIELD_SIZE): Uint8Array | undefined {
  if (!text) return undefined;
  // Stray NULs would end the string early in every reader.
  const encoded = utf8.encode(text.replaceAll('\0', ''));
  if (encoded.length === 0) return undefined;
  let length = Math.min(encoded.length, maxBytes - 1);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is cut in half.
  if (length < encoded.length) while (length > 0 && (encoded[length] & 0xc0) === 0x80) length--;
  const bytes = new Uint8Array(length + 1);
  bytes.set(encoded.subarray(0, length));
  return bytes;
}

/** The 14-byte file header for `dataSize` bytes of messages, with its header CRC (§ "File Header"). */
export function encodeFileHeader(dataSize: number): Uint8Array {
  if (!Number.isInteger(dataSize) || dataSize < 0 || dataSize > FIT_MAX_DATA_SIZE) throw new RangeError(`FIT data size ${dataSize} does not fit a uint32`);
  const bytes = new Uint8Array(FIT_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes[0] = FIT_HEADER_SIZE;
  bytes[1] = FIT_PROTOCOL_VERSION;
  view.setUint16(2, FIT_PROFILE_VERSION, true);
  view.setUint32(4, dataSize, true);
  bytes.set(FIT_DATA_TYPE, 8);
  view.setUint16(12, updateFitCrc(0, bytes, 0, FIT_HEADER_SIZE_WITHOUT_CRC), true);
  return bytes;
}
