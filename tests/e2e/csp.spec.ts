// The locked-down app: the built app, served by `vite preview` with its real headers, enforces the CSP, works
// under it, and sends no request anywhere but 127.0.0.1 during a full export.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../../vite.config.ts';
import { chooseYearExport, loadSmallDemo, openApp } from './helpers.ts';

test.describe('content security policy', () => {
  test('is served as a header and blocks an injected inline script and eval', async ({ page }) => {
    const response = await page.goto('/?demo=none#/data');
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const result = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.head.append(script);
      // A string timer is eval run by the page itself (eval() called from evaluate() would run as DevTools, exempt).
      (setTimeout as unknown as (code: string, ms: number) => void)('window.__timerRan = true;', 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const w = window as unknown as { __inlineRan?: boolean; __timerRan?: boolean };
      return { inlineRan: w.__inlineRan === true, evalRan: w.__timerRan === true, violations };
    });
    expect(result.inlineRan).toBe(false);
    expect(result.evalRan).toBe(false);
    expect(result.violations).toContain('script-src-elem');
    expect(result.violations).toContain('script-src');
  });

  test('lets the app load demo data and export with no violation and no request off 127.0.0.1', async ({ page }) => {
    const requests: string[] = [];
    page.context().on('request', (request) => { requests.push(request.url()); });
    const cspErrors: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspErrors.push(message.text());
    });
    await openApp(page);
    await page.evaluate(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __violations: string[] }).__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
      });
      (window as unknown as { __violations: string[] }).__violations = [];
    });
    await loadSmallDemo(page);
    await chooseYearExport(page, /Download \(held in memory\)/);
    const download = page.waitForEvent('download', { timeout: 90_000 });
    await page.getByRole('button', { name: 'Start export' }).click();
    const zip = readFileSync((await (await download).path())!);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(cspErrors).toEqual([]);
    const offsite = requests.filter((url) => /^(https?|wss?):/.test(url) && new URL(url).hostname !== '127.0.0.1');
    expect(requests.length).toBeGreaterThan(3);
    expect(offsite).toEqual([]);
  });
});
