// The hot path of the FIT writer: one fixed-layout `record` message per sample, written with a DataView straight
// into the output buffer. The layout holds only the channels the activity has, and is defined once per file.

import type { Channel, TrackChunk } from '../../model/records.ts';
import {
  FIT_DATE_TIME_MAX, FIT_DATE_TIME_MIN, FIT_EPOCH_UNIX_S, FIT_SINT32, FIT_SINT8, FIT_UINT16, FIT_UINT32, FIT_UINT8,
  MESG_RECORD, degreesToSemicircles, encodeDefinition, type FitBaseType, type FitField,
} from './parts.ts';

// Record field numbers, scales and offsets from the FIT profile (message `record`, @garmin/fitsdk 21.217.0).
const FIELD_TIMESTAMP = 253;
const FIELD_POSITION_LAT = 0;
const FIELD_POSITION_LONG = 1;
const FIELD_ALTITUDE = 2;
const FIELD_HEART_RATE = 3;
const FIELD_CADENCE = 4;
const FIELD_DISTANCE = 5;
const FIELD_SPEED = 6;
const FIELD_POWER = 7;
const FIELD_TEMPERATURE = 13;
const FIELD_ENHANCED_SPEED = 73;
const FIELD_ENHANCED_ALTITUDE = 78;
/** `distance`: uint32, scale 100 (cm). */
const DISTANCE_SCALE = 100;
/** `speed`/`enhanced_speed`: scale 1000 (mm/s). */
const SPEED_SCALE = 1000;
/** `altitude`/`enhanced_altitude`: scale 5, offset 500 (0.2 m steps from -500 m). */
const ALTITUDE_SCALE = 5;
const ALTITUDE_OFFSET_M = 500;

const INVALID_SINT32 = FIT_SINT32.invalid;
const INVALID_UINT32 = FIT_UINT32.invalid;
const INVALID_UINT16 = FIT_UINT16.invalid;
const INVALID_UINT8 = FIT_UINT8.invalid;
const INVALID_SINT8 = FIT_SINT8.invalid;

/** Writes `record` messages of one activity. Call `bind` for each track chunk, then `write` for each of its samples. */
export class FitRecordWriter {
  /** Bytes of one record data message, header included. */
  readonly size: number;
  /** The record definition message, to write once before the first record. */
  readonly definition: Uint8Array;

  private readonly localMesg: number;
  // Byte offsets of each field inside the message; -1 when the activity lacks the channel.
  private readonly posLat: number = -1;
  private readonly posDistance: number = -1;
  private readonly posSpeed: number = -1;
  private readonly posAltitude: number = -1;
  private readonly posHeartRate: number = -1;
  private readonly posCadence: number = -1;
  private readonly posPower: number = -1;
  private readonly posTemperature: number = -1;

  private timeMs: Float64Array = new Float64Array(0);
  private lat: Float64Array | undefined;
  private lon: Float64Array | undefined;
  private distanceM: Float64Array | undefined;
  private speedMps: Float32Array | undefined;
  private altitudeM: Float32Array | undefined;
  private heartRateBpm: Float32Array | undefined;
  private cadenceRpm: Float32Array | undefined;
  private powerW: Float32Array | undefined;
  private temperatureC: Float32Array | undefined;

  /** @param channels the activity's channels; a channel listed here but absent from a chunk is written as invalid. */
  constructor(channels: readonly Channel[], localMesg: number) {
    this.localMesg = localMesg;
    const has = new Set(channels);
    const fields: FitField[] = [];
    let pos = 1;
    const add = (num: number, type: FitBaseType): number => {
      fields.push({ num, type, value: undefined });
      const at = pos;
      pos += type.size;
      return at;
    };
    add(FIELD_TIMESTAMP, FIT_UINT32);
    if (has.has('lat') && has.has('lon')) {
      this.posLat = add(FIELD_POSITION_LAT, FIT_SINT32);
      add(FIELD_POSITION_LONG, FIT_SINT32);
    }
    if (has.has('distanceM')) this.posDistance = add(FIELD_DISTANCE, FIT_UINT32);
    // Both the uint16 and the uint32 ("enhanced") speed and altitude, as devices write them: older readers only
    // know the former, and the latter carries values beyond 65.5 m/s or 12.6 km.
    if (has.has('speedMps')) {
      this.posSpeed = add(FIELD_ENHANCED_SPEED, FIT_UINT32);
      add(FIELD_SPEED, FIT_UINT16);
    }
    if (has.has('altitudeM')) {
      this.posAltitude = add(FIELD_ENHANCED_ALTITUDE, FIT_UINT32);
      add(FIELD_ALTITUDE, FIT_UINT16);
    }
    if (has.has('powerW')) this.posPower = add(FIELD_POWER, FIT_UINT16);
    if (has.has('heartRateBpm')) this.posHeartRate = add(FIELD_HEART_RATE, FIT_UINT8);
    if (has.has('cadenceRpm')) this.posCadence = add(FIELD_CADENCE, FIT_UINT8);
    if (has.has('temperatureC')) this.posTemperature = add(FIELD_TEMPERATURE, FIT_SINT8);
    this.size = pos;
    this.definition = encodeDefinition(localMesg, MESG_RECORD, fields);
  }

  /** Points the writer at a chunk's columns. */
  bind(chunk: TrackChunk): void {
    this.timeMs = chunk.timeMs;
    this.lat = chunk.lat;
    this.lon = chunk.lon;
    this.distanceM = chunk.distanceM;
    this.speedMps = chunk.speedMps;
    this.altitudeM = chunk.altitudeM;
    this.heartRateBpm = chunk.heartRateBpm;
    this.cadenceRpm = chunk.cadenceRpm;
    this.powerW = chunk.powerW;
    this.temperatureC = chunk.temperatureC;
  }

  /**
   * Writes samples `from` to `to - 1` of the bound chunk as consecutive record messages of `size` bytes each,
   * starting at `pos`. Missing (NaN) and out-of-range values become the base type's invalid value; times are
   * truncated to the second. Works field by field over the run: each loop is short and monomorphic.
   */
  writeRange(view: DataView, pos: number, from: number, to: number): void {
    const stride = this.size;
    for (let i = from, p = pos; i < to; i++, p += stride) view.setUint8(p, this.localMesg);
    const timeMs = this.timeMs;
    for (let i = from, p = pos + 1; i < to; i++, p += stride) {
      const fitTime = Math.floor(timeMs[i] / 1000) - FIT_EPOCH_UNIX_S;
      view.setUint32(p, fitTime >= FIT_DATE_TIME_MIN && fitTime <= FIT_DATE_TIME_MAX ? fitTime : INVALID_UINT32, true);
    }
    if (this.posLat >= 0) writePositions(view, pos + this.posLat, stride, this.lat, this.lon, from, to);
    if (this.posDistance >= 0) writeUint32Column(view, pos + this.posDistance, stride, this.distanceM, from, to, DISTANCE_SCALE, 0);
    if (this.posSpeed >= 0) writeUint32And16Column(view, pos + this.posSpeed, stride, this.speedMps, from, to, SPEED_SCALE, 0);
    if (this.posAltitude >= 0) {
      writeUint32And16Column(view, pos + this.posAltitude, stride, this.altitudeM, from, to, ALTITUDE_SCALE, ALTITUDE_OFFSET_M);
    }
    if (this.posPower >= 0) writeUint16Column(view, pos + this.posPower, stride, this.powerW, from, to);
    if (this.posHeartRate >= 0) writeUint8Column(view, pos + this.posHeartRate, stride, this.heartRateBpm, from, to);
    if (this.posCadence >= 0) writeUint8Column(view, pos + this.posCadence, stride, this.cadenceRpm, from, to);
    if (this.posTemperature >= 0) writeSint8Column(view, pos + this.posTemperature, stride, this.temperatureC, from, to);
  }
}

// One loop per field. A column absent from the chunk is written as invalid; the range checks are false for NaN,
// so a missing sample falls through to the invalid value too.

type Column = Float32Array | Float64Array | undefined;

function writePositions(view: DataView, pos: number, stride: number, lat: Column, lon: Column, from: number, to: number): void {
  for (let i = from, p = pos; i < to; i++, p += stride) {
    const latDeg = lat ? lat[i] : Number.NaN;
    const lonDeg = lon ? lon[i] : Number.NaN;
    if (latDeg >= -90 && latDeg <= 90 && lonDeg >= -180 && lonDeg <= 180) {
      view.setInt32(p, degreesToSemicircles(latDeg), true);
      view.setInt32(p + 4, degreesToSemicircles(lonDeg), true);
    } else {
      view.setInt32(p, INVALID_SINT32, true);
      view.setInt32(p + 4, INVALID_SINT32, true);
    }
  }
}

function writeUint32Column(view: DataView, pos: number, stride: number, values: Column, from: number, to: number, scale: number, offset: number): void {
  for (let i = from, p = pos; i < to; i++, p += stride) {
    const raw = values ? Math.round((values[i] + offset) * scale) : Number.NaN;
    view.setUint32(p, raw >= 0 && raw < INVALID_UINT32 ? raw : INVALID_UINT32, true);
  }
}

/** The uint32 value at `pos` and the same raw value as uint16 right after it (enhanced_speed + speed, …). */
function writeUint32And16Column(view: DataView, pos: number, stride: number, values: Column, from: number, to: number, scale: number, offset: number): void {
  for (let i = from, p = pos; i < to; i++, p += stride) {
    const raw = values ? Math.round((values[i] + offset) * scale) : Number.NaN;
    view.setUint32(p, raw >= 0 && raw < INVALID_UINT32 ? raw : INVALID_UINT32, true);
    view.setUint16(p + 4, raw >= 0 && raw < INVALID_UINT16 ? raw : INVALID_UINT16, true);
  }
}

function writeUint16Column(view: DataView, pos: number, stride: number, values: Column, from: number, to: number): void {
  for (let i = from, p = pos; i < to; i++, p += stride) {
    const raw = values ? Math.round(values[i]) : Number.NaN;
    view.setUint16(p, raw >= 0 && raw < INVALID_UINT16 ? raw : INVALID_UINT16, true);
  }
}

function writeUint8Column(view: DataView, pos: number, stride: number, values: Column, from: number, to: number): void {
  for (let i = from, p = pos; i < to; i++, p += stride) {
    const raw = values ? Math.round(values[i]) : Number.NaN;
    view.setUint8(p, raw >= 0 && raw < INVALID_UINT8 ? raw : INVALID_UINT8);
  }
}

function writeSint8Column(view: DataView, pos: number, stride: number, values: Column, from: number, to: number): void {
  for (let i = from, p = pos; i < to; i++, p += stride) {
    const raw = values ? Math.round(values[i]) : Number.NaN;
    view.setInt8(p, raw >= -128 && raw <= 126 ? raw : INVALID_SINT8);
  }
}
