// Pure builders of the generic XML export: escaping, and one element per record kind and track sample.

import { CHANNELS } from '../../model/records.ts';
import type {
  Activity, Channel, DailySteps, FieldValue, GenericRecord, Lap, RecordKind, Sleep, Totals, TrackChunk, Weight,
} from '../../model/records.ts';
import { float32Text, float64Text } from '../../model/number-text.ts';
import { IsoTimeFormatter, formatIsoLocal, formatIsoUtc } from '../time-format.ts';

/** XML 1.0 §2.8 prolog. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Version of the vocabulary documented in README.md. */
export const XML_VOCABULARY_VERSION = 1;

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. Lone surrogates fall outside too.
const FORBIDDEN_CHARS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const TEXT_SPECIALS = /[&<>\r]/g;
// In attributes, §3.3.3 normalisation would turn tab/LF/CR into spaces unless they are character references.
const ATTRIBUTE_SPECIALS = /[&<>"\t\n\r]/g;
const NEEDS_WORK = /[&<>"\t\n\r]|[^\x20-\uD7FF]/;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Text content: characters XML 1.0 forbids are removed; `& < >` and CR escaped (CR would be normalised away). */
export function escapeText(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(FORBIDDEN_CHARS, '').replace(TEXT_SPECIALS, (c) => ENTITIES[c]);
}

/** An attribute value (in double quotes): as `escapeText`, plus `"`, tab and LF. */
export function escapeAttribute(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(FORBIDDEN_CHARS, '').replace(ATTRIBUTE_SPECIALS, (c) => ENTITIES[c]);
}

/** ` name="value"`, or nothing when the value is absent (numbers: also when not finite). */
export function attribute(name: string, value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? ` ${name}="${float64Text(value)}"` : '';
  return ` ${name}="${escapeAttribute(value)}"`;
}

/** `<name>text</name>`, or nothing when the text is absent. */
export function textElement(name: string, text: string | undefined): string {
  return text === undefined ? '' : `<${name}>${escapeText(text)}</${name}>`;
}

/** Element names of the records in each kind's file. */
export const ELEMENT_OF_KIND: Record<RecordKind, string> = {
  activity: 'activity', steps: 'steps', weight: 'weight', sleep: 'sleep', record: 'record',
};

/** Root opening: `<takeaway version="1" kind="…">`. */
export function rootOpening(kind: RecordKind): string {
  return `${XML_DECLARATION}<takeaway version="${XML_VOCABULARY_VERSION}" kind="${kind}">\n`;
}

export const ROOT_CLOSING = '</takeaway>\n';

const TOTALS_KEYS: (keyof Totals)[] = [
  'elapsedS', 'timerS', 'distanceM', 'calories', 'ascentM', 'descentM', 'avgHeartRateBpm', 'maxHeartRateBpm',
  'avgCadenceRpm', 'maxCadenceRpm', 'avgPowerW', 'maxPowerW', 'avgSpeedMps', 'maxSpeedMps',
];

function totalsAttributes(totals: Totals): string {
  let out = '';
  for (const key of TOTALS_KEYS) out += attribute(key, totals[key]);
  return out;
}

function tagsElement(tags: readonly string[]): string {
  return tags.length === 0 ? '' : `<tags>${tags.map((tag) => textElement('tag', tag)).join('')}</tags>`;
}

function lapElement(lap: Lap, utcOffsetMin: number): string {
  return `<lap${attribute('startTime', formatIsoLocal(lap.startTimeMs, utcOffsetMin))}${attribute('startIndex', lap.startIndex)}`
    + `${attribute('endIndex', lap.endIndex)}${totalsAttributes(lap)}/>`;
}

/** An activity's opening tag and every child up to (and including) `<track>`. */
export function activityOpening(activity: Activity): string {
  const { device } = activity;
  return `<activity${attribute('id', activity.id)}${attribute('sport', activity.sport)}${attribute('subSport', activity.subSport)}`
    + `${attribute('startTime', formatIsoLocal(activity.startTimeMs, activity.utcOffsetMin))}${attribute('timeZone', activity.timeZone)}`
    + `${attribute('updatedAt', formatIsoUtc(activity.updatedAtMs))}${attribute('source', activity.source)}>`
    + `${textElement('name', activity.name)}${textElement('category', activity.category)}${tagsElement(activity.tags)}`
    + `${textElement('notes', activity.notes)}<totals${totalsAttributes(activity.totals)}/>`
    + (device ? `<device${attribute('manufacturer', device.manufacturer)}${attribute('product', device.product)}`
      + `${attribute('serialNumber', device.serialNumber)}${attribute('softwareVersion', device.softwareVersion)}/>` : '')
    + (activity.laps.length ? `<laps>${activity.laps.map((lap) => lapElement(lap, activity.utcOffsetMin)).join('')}</laps>` : '')
    + (activity.pauses.length
      ? `<pauses>${activity.pauses.map((p) => `<pause${attribute('start', formatIsoUtc(p.startMs))}${attribute('end', formatIsoUtc(p.endMs))}/>`).join('')}</pauses>`
      : '')
    + `\n<track${attribute('sampleCount', activity.sampleCount)}>\n`;
}

export const ACTIVITY_CLOSING = '</track></activity>\n';

/** Writes `<pt t="…" lat="…" …/>` lines: UTC times, the shortest exact numbers, absent attributes for NaN. */
export class TrackPointWriter {
  private readonly time = new IsoTimeFormatter(0);

  constructor(private readonly channels: readonly Channel[] = CHANNELS) {}

  /** The lines of samples `[from, to)` of a chunk, concatenated. */
  points(chunk: TrackChunk, from = 0, to = chunk.count): string {
    let out = '';
    for (let i = from; i < to; i++) {
      out += `<pt t="${this.time.format(chunk.timeMs[i])}"`;
      for (const channel of this.channels) {
        const values = chunk[channel];
        if (values === undefined) continue;
        const value = values[i];
        if (Number.isNaN(value)) continue;
        out += ` ${channel}="${values instanceof Float32Array ? float32Text(value) : float64Text(value)}"`;
      }
      out += '/>\n';
    }
    return out;
  }
}

export function stepsElement(steps: DailySteps): string {
  return `<steps${attribute('id', steps.id)}${attribute('date', steps.date)}${attribute('stepCount', steps.stepCount)}/>\n`;
}

export function weightElement(weight: Weight): string {
  return `<weight${attribute('id', weight.id)}${attribute('timestamp', formatIsoLocal(weight.timestampMs, weight.utcOffsetMin))}`
    + `${attribute('weightKg', weight.weightKg)}${attribute('bodyFatPct', weight.bodyFatPct)}/>\n`;
}

export function sleepElement(sleep: Sleep): string {
  return `<sleep${attribute('id', sleep.id)}${attribute('startTime', formatIsoLocal(sleep.startTimeMs, sleep.utcOffsetMin))}`
    + `${attribute('endTime', formatIsoLocal(sleep.endTimeMs, sleep.utcOffsetMin))}${attribute('durationAsleepS', sleep.durationAsleepS)}`
    + `${attribute('deepS', sleep.deepS)}${attribute('lightS', sleep.lightS)}${attribute('remS', sleep.remS)}`
    + `${attribute('awakeS', sleep.awakeS)}${attribute('score', sleep.score)}/>\n`;
}

/** `<field name="…" type="string|number|boolean|date|null">value</field>`; NaN/±Infinity numbers are written as text. */
export function fieldElement(name: string, value: FieldValue): string {
  const open = `<field${attribute('name', name)}`;
  if (value === null) return `${open} type="null"/>`;
  if (typeof value === 'number') return `${open} type="number">${Number.isFinite(value) ? float64Text(value) : String(value)}</field>`;
  if (typeof value === 'boolean') return `${open} type="boolean">${value}</field>`;
  if (typeof value === 'string') return `${open} type="string">${escapeText(value)}</field>`;
  return `${open} type="date">${escapeText(value.date)}</field>`;
}

export function recordElement(record: GenericRecord): string {
  const fields = Object.entries(record.fields);
  return `<record${attribute('id', record.id)}${attribute('type', record.recordType)}`
    + `${attribute('timestamp', formatIsoLocal(record.timestampMs, record.utcOffsetMin))}>`
    + `${textElement('title', record.title)}${textElement('category', record.category)}${tagsElement(record.tags)}`
    + (fields.length ? `<fields>${fields.map(([name, value]) => fieldElement(name, value)).join('')}</fields>` : '')
    + '</record>\n';
}
