// The format metadata, the registry, the engine's write order and the report templates agree with the request's id lists.

import { describe, expect, it } from 'vitest';
import { FORMAT_ORDER } from '../engine/format-order.ts';
import { FORMAT_IDS, PDF_TEMPLATES } from '../model/request.ts';
import { FORMAT_META } from './meta.ts';
import { REPORT_TEMPLATES } from './pdf/templates.ts';
import { FORMAT_REGISTRY } from './registry.ts';

const sorted = (ids: readonly string[]) => [...ids].sort();

describe('format ids', () => {
  it('FORMAT_META has exactly the request\'s format ids, each under its own id', () => {
    expect(sorted(Object.keys(FORMAT_META))).toEqual(sorted(FORMAT_IDS));
    for (const id of FORMAT_IDS) expect(FORMAT_META[id].id).toBe(id);
  });

  it('the registry has an encoder for every format id, with the kinds its metadata says', () => {
    expect(sorted(Object.keys(FORMAT_REGISTRY))).toEqual(sorted(FORMAT_IDS));
    for (const id of FORMAT_IDS) {
      const encoder = FORMAT_REGISTRY[id]!;
      expect(encoder.id).toBe(id);
      expect(sorted(encoder.kinds)).toEqual(sorted(FORMAT_META[id].kinds));
    }
  });

  it('the engine writes every format id, each once', () => {
    expect(sorted(FORMAT_ORDER)).toEqual(sorted(FORMAT_IDS));
  });

  it('there is a report template for every PDF template id', () => {
    expect(sorted(Object.keys(REPORT_TEMPLATES))).toEqual(sorted(PDF_TEMPLATES));
    for (const id of PDF_TEMPLATES) expect(REPORT_TEMPLATES[id].id).toBe(id);
  });
});
