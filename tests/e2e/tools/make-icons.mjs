// Renders public/icon.svg into the PNG icons of the web app manifest (run once: node tests/e2e/tools/make-icons.mjs).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
for (const [name, size, maskable] of [['icon-192.png',192,false],['icon-512.png',512,false],['maskable-192.png',192,true],['maskable-512.png',512,true],['apple-touch-icon-180.png',180,true],['icon-48.png',48,false],['icon-96.png',96,false],['icon-144.png',144,false]]) {
  await page.setViewportSize({ width: size, height: size });
  // Maskable: full-bleed background, artwork within the 80% safe zone.
  const inner = maskable ? svg.replace('rx="96"', 'rx="0"').replace('viewBox="0 0 512 512"', 'viewBox="-64 -64 640 640"').replace('<rect width="512" height="512" rx="0"', '<rect x="-64" y="-64" width="640" height="640" rx="0"') : svg;
  await page.setContent(`<html><body style="margin:0;background:transparent">${inner.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: `public/icons/${name}`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}
await browser.close();
