// The Content-Security-Policy is written twice (vite preview's headers and public/_headers for static hosts): keep them equal.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../vite.config.ts';
import { REPO_ROOT } from '../helpers/zip-files.ts';

describe('security headers', () => {
  it('lists the same headers in public/_headers as vite preview serves', () => {
    const lines = readFileSync(join(REPO_ROOT, 'public/_headers'), 'utf8').split('\n').filter((l) => l.startsWith('  '));
    const headers = Object.fromEntries(lines.map((l) => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()];
    }));
    expect(headers).toEqual(SECURITY_HEADERS);
  });

  it('allows no inline script, no eval and no other origin', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }));
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    for (const values of directives.values()) {
      expect(values).not.toContain("'unsafe-inline'");
      expect(values).not.toContain("'unsafe-eval'");
      expect(values.filter((v) => /^(https?:|\*|[a-z0-9-]+\.[a-z])/i.test(v))).toEqual([]);
    }
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});
