import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/testApp.js';
import { describeInChromium, freshPage } from './browser.js';

/** Content-Security-Policy violations the page reports, from its event and from the console. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (load|execute|apply|create|connect|frame)/i.test(msg.text())) violations.push(msg.text());
  });
  await page.exposeFunction('__reportCsp', (text: string) => void violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp(text: string): void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return violations;
}

describeInChromium('Content-Security-Policy', (browser) => {
  describeEachDatabase(
    'the built client under the policy',
    (ctx) => {
      it('loads the map explorer with its map drawn and no CSP violation', async () => {
        const errors: string[] = [];
        const page = await freshPage(browser(), errors);
        try {
          const violations = await watchViolations(page);
          const res = await page.goto(ctx().url);
          expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
          await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 30_000 });
          await page.evaluate(() => window.__gis!.idle());
          expect(violations).toEqual([]);
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      });

      it('loads the embeddable refugee help page with its map and no CSP violation', async () => {
        const errors: string[] = [];
        const page = await freshPage(browser(), errors);
        try {
          const violations = await watchViolations(page);
          const res = await page.goto(`${ctx().url}/embed/refugee-help?m=testa`);
          expect(res?.headers()['content-security-policy']).toContain('frame-ancestors *');
          await page.waitForSelector('body[data-embed-ready="true"]', { timeout: 30_000 });
          await page.locator('canvas.maplibregl-canvas').waitFor();
          expect(violations).toEqual([]);
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      });

      it('loads the API docs (Swagger UI) with no CSP violation', async () => {
        const errors: string[] = [];
        const page = await freshPage(browser(), errors);
        try {
          const violations = await watchViolations(page);
          await page.goto(`${ctx().url}/api/docs/`);
          await page.waitForSelector('.swagger-ui .info', { timeout: 30_000 });
          expect(violations).toEqual([]);
        } finally {
          await page.close();
        }
      });
    },
    { listen: true },
  );
});
