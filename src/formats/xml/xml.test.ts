import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TakeawayRecord } from '../../model/records.ts';
import {
  NASTY_TEXTS, TestSource, activityFixture, collectEntries, genericFixture, sleepFixture, stepsFixture, trackFixture,
  weightFixture,
} from '../csv/fixtures/records.ts';
import { xmlFormat } from './encode.ts';
import { escapeAttribute, escapeText } from './parts.ts';

const START = Date.UTC(2025, 2, 1, 6, 12, 0);
const ALL_KINDS = ['activity', 'steps', 'weight', 'sleep', 'record'] as const;
// Characters XML 1.0 cannot carry at all: C0 controls, a lone surrogate, U+FFFE.
const FORBIDDEN = 'bell\u0007 nul\u0000 esc\u001b lone\uD800 fffe\uFFFE end';
const NASTY = NASTY_TEXTS.join('|');

function records(): TakeawayRecord[] {
  return [
    activityFixture('a1', START),
    activityFixture('a"2', START + 86_400_000, { name: FORBIDDEN, notes: NASTY, tags: ['<b>', 'x&y'] }),
    stepsFixture('2025-03-01', 10_234),
    weightFixture('w1', START, 0.1 + 72.2, 18.25),
    sleepFixture('s1', START),
    genericFixture('r1', 'time_entry', START, NASTY, { hours: 0.1 + 0.2, due: { date: '2025-03-05' }, note: null, ok: false, text: 'a\r\nb\tc' }),
  ];
}

function source(sizes: { batchSize?: number; chunkSize?: number } = {}) {
  return new TestSource(records(), new Map([['a1', trackFixture(START, 3000)]]), sizes);
}

/** Writes the files to a temporary folder and returns a function running xmllint --xpath on one of them. */
function onDisk(files: Map<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'takeaway-xml-'));
  const paths = new Map<string, string>();
  for (const [name, text] of files) {
    const file = path.join(dir, path.basename(name));
    writeFileSync(file, text);
    paths.set(name, file);
  }
  const xpath = (name: string, expression: string) => runXpath(paths.get(name)!, expression);
  return { paths, xpath };
}

/** `xmllint --xpath`, without the newline xmllint adds after the result. */
function runXpath(file: string, expression: string): string {
  return execFileSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' }).replace(/\n$/, '');
}

describe('xmlFormat', { tags: ['tools'] }, () => {
  it('writes one well-formed file per selected kind', async () => {
    const { files, entries } = await collectEntries(xmlFormat, source(), [...ALL_KINDS]);
    expect([...files.keys()]).toEqual(['xml/activities.xml', 'xml/steps.xml', 'xml/weight.xml', 'xml/sleep.xml', 'xml/records.xml']);
    expect(entries.map((e) => e.recordCounts)).toEqual([{ activity: 2 }, { steps: 1 }, { weight: 1 }, { sleep: 1 }, { record: 1 }]);
    const { paths } = onDisk(files);
    for (const file of paths.values()) {
      // Throws on a non-zero exit, with xmllint's message.
      execFileSync('xmllint', ['--noout', file]);
    }
  });

  it('reads back text with special characters through xmllint, forbidden characters removed', async () => {
    const { files } = await collectEntries(xmlFormat, source(), [...ALL_KINDS]);
    const { xpath } = onDisk(files);
    expect(xpath('xml/activities.xml', 'string(/takeaway/activity[@id=\'a"2\']/name)')).toBe('bell nul esc lone fffe end');
    expect(xpath('xml/activities.xml', 'string(/takeaway/activity[2]/notes)')).toBe(NASTY);
    expect(xpath('xml/activities.xml', 'string(/takeaway/activity[2]/tags/tag[2])')).toBe('x&y');
    expect(xpath('xml/records.xml', 'string(/takeaway/record/title)')).toBe(NASTY);
    expect(xpath('xml/records.xml', 'string(/takeaway/record/fields/field[@name="text"])')).toBe('a\r\nb\tc');
    expect(xpath('xml/records.xml', 'string(/takeaway/record/fields/field[@name="hours"])')).toBe('0.30000000000000004');
    expect(xpath('xml/records.xml', 'string(/takeaway/record/fields/field[@name="due"]/@type)')).toBe('date');
  });

  it('keeps attribute values with quotes, tabs and newlines intact', () => {
    const value = 'a"b\tc\nd\re<f>&g';
    const dir = mkdtempSync(path.join(tmpdir(), 'takeaway-xml-'));
    const file = path.join(dir, 'attr.xml');
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?><r v="${escapeAttribute(value)}">${escapeText(value)}</r>`);
    expect(runXpath(file, 'string(/r/@v)')).toBe(value);
    expect(runXpath(file, 'string(/r)')).toBe(value);
  });

  it('writes track points with exact numbers, UTC times and no attribute for a missing sample', async () => {
    const { files } = await collectEntries(xmlFormat, source(), ['activity']);
    const { xpath } = onDisk(files);
    const track = trackFixture(START, 3000);
    expect(xpath('xml/activities.xml', 'count(/takeaway/activity[1]/track/pt)')).toBe('3000');
    expect(xpath('xml/activities.xml', 'string(/takeaway/activity[1]/track/pt[4]/@t)')).toBe('2025-03-01T06:12:03.250Z');
    expect(Number(xpath('xml/activities.xml', 'string(/takeaway/activity[1]/track/pt[2]/@lat)'))).toBe(track.columns.lat![1]);
    expect(Math.fround(Number(xpath('xml/activities.xml', 'string(/takeaway/activity[1]/track/pt[2]/@speedMps)')))).toBe(Math.fround(track.columns.speedMps![1]));
    expect(xpath('xml/activities.xml', 'count(/takeaway/activity[1]/track/pt[5]/@heartRateBpm)')).toBe('0');
    expect(xpath('xml/activities.xml', 'string(/takeaway/activity[1]/@startTime)')).toBe('2025-03-01T07:12:00+01:00');
    expect(xpath('xml/activities.xml', 'string(/takeaway/activity[1]/totals/@ascentM)')).toBe(String(0.1 + 0.2));
  });

  it('writes the health kinds as single elements with local times', async () => {
    const { files } = await collectEntries(xmlFormat, source(), ['steps', 'weight', 'sleep']);
    expect(files.get('xml/steps.xml')).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<takeaway version="1" kind="steps">\n'
      + '<steps id="steps-2025-03-01" date="2025-03-01" stepCount="10234"/>\n</takeaway>\n');
    expect(files.get('xml/weight.xml')).toContain('<weight id="w1" timestamp="2025-03-01T07:12:00+01:00" weightKg="72.3" bodyFatPct="18.25"/>');
    expect(files.get('xml/sleep.xml')).toContain('<sleep id="s1" startTime="2025-03-01T01:12:00-05:00" endTime="2025-03-01T09:12:00-05:00" durationAsleepS="27000"');
  });

  it('gives the same bytes whatever the batch and chunk sizes', async () => {
    const reference = await collectEntries(xmlFormat, source(), [...ALL_KINDS]);
    const small = await collectEntries(xmlFormat, source({ batchSize: 1, chunkSize: 7 }), [...ALL_KINDS]);
    expect(small.files).toEqual(reference.files);
  });
});
