import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromLks92 } from '../../client/src/lib/map/coordinates.js';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { addUser, municipalityId, type TestUser } from '../helpers/users.js';
import { describeInChromium, screenshot } from './browser.js';

/** A laptop and a phone. */
const widths = [
  { name: 'desktop', viewport: { width: 1366, height: 800 }, phone: false },
  { name: 'phone', viewport: { width: 375, height: 740 }, phone: true },
] as const;

/** Every page of the app, by the hash that opens it. */
const routes = [
  { name: 'map explorer', slug: 'map', hash: '' },
  { name: 'Dashboards page', slug: 'dashboards', hash: '#/dashboards' },
  { name: 'Data page', slug: 'data', hash: '#/data' },
  { name: 'Admin page', slug: 'admin', hash: '#/admin' },
] as const;

/** The fixture's "connected" sewer connection (status i = 5) in EPSG:3059. */
const connected3059 = { x: 301100, y: 501500 };

type Viewport = { width: number; height: number };

/** A page of its own (own cookies, empty localStorage, so in Latvian) at the given size. */
async function openAt(browser: Browser, size: (typeof widths)[number], errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: size.viewport, isMobile: size.phone, hasTouch: size.phone });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.addInitScript(() => {
    if (location.protocol.startsWith('http')) localStorage.clear();
  });
  return page;
}

/** Whether a box lies wholly inside the viewport. */
function inside(box: { x: number; y: number; width: number; height: number }, viewport: Viewport) {
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
}

/** Whether the element a click at the centre of `target` would reach is `target` (or inside it): nothing covers it. */
function reachable(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return !!hit && (hit === el || el.contains(hit));
  });
}

describeInChromium('sign-in and the identify popup at every width', (browser) => {
  describeEachDatabase(
    'sign-in from every page',
    (ctx: () => TestApp) => {
      let admin: TestUser;

      beforeAll(async () => {
        admin = await addUser(ctx().app, { role: 'admin', municipality: await municipalityId(ctx().app, 'testa'), label: 'signin' });
      });

      for (const route of routes) {
        for (const size of widths) {
          it(`signs in from the ${route.name} at ${size.viewport.width} px: the form is on screen and nothing covers it`, async () => {
            const errors: string[] = [];
            const page = await openAt(browser(), size, errors);
            try {
              await page.goto(`${ctx().url}/${route.hash}`);
              const open = page.getByTestId('sign-in-open');
              await open.waitFor();
              await open.click();
              const form = page.getByTestId('sign-in-form');
              await form.waitFor();
              const box = (await form.boundingBox())!;
              expect(box, `form at ${JSON.stringify(box)}`).toSatisfy((b: typeof box) => inside(b, size.viewport));
              const submit = form.locator('button[type="submit"]');
              expect(await reachable(submit)).toBe(true);
              expect(await reachable(form.locator('input[type="email"]'))).toBe(true);
              await screenshot(page, `signin-${route.slug}-${size.viewport.width}-${ctx().kind}`);
              await form.locator('input[type="email"]').fill(admin.email);
              await form.locator('input[type="password"]').fill(admin.password);
              // A real click at the button's centre, as a person would press it.
              const target = (await submit.boundingBox())!;
              await page.mouse.click(target.x + target.width / 2, target.y + target.height / 2);
              await page.getByTestId('account-user').waitFor();
              expect(await page.getByTestId('account-user').textContent()).toContain('Test User');
              expect(await form.count()).toBe(0);
              // Signed in, the header offers the administration page to this admin, on the screen.
              const adminLink = page.getByTestId('nav-admin');
              await adminLink.waitFor();
              const link = (await adminLink.boundingBox())!;
              expect(link, `admin link at ${JSON.stringify(link)}`).toSatisfy((b: typeof link) => inside(b, size.viewport));
              expect(await reachable(adminLink)).toBe(true);
              await screenshot(page, `signin-${route.slug}-${size.viewport.width}-signed-in-${ctx().kind}`);
              expect(errors).toEqual([]);
            } finally {
              await page.close();
            }
          });
        }
      }

      it('closes the sign-in form with Escape and by its backdrop, and opens it again', async () => {
        const page = await openAt(browser(), widths[1], []);
        try {
          await page.goto(`${ctx().url}/#/dashboards`);
          const open = page.getByTestId('sign-in-open');
          await open.click();
          await page.getByTestId('sign-in-form').waitFor();
          await page.keyboard.press('Escape');
          await expect.poll(() => page.getByTestId('sign-in-form').count()).toBe(0);
          expect(await open.getAttribute('aria-expanded')).toBe('false');
          await open.click();
          await page.getByTestId('sign-in-form').waitFor();
          // The backdrop: a point well outside the form, at the bottom of the screen.
          await page.mouse.click(20, 720);
          await expect.poll(() => page.getByTestId('sign-in-form').count()).toBe(0);
          await open.click();
          const form = page.getByTestId('sign-in-form');
          await form.waitFor();
          // A click on the dialog's own padding is not one on the backdrop.
          const dialog = (await page.getByTestId('sign-in-dialog').boundingBox())!;
          await page.mouse.click(dialog.x + 3, dialog.y + 3);
          expect(await form.count()).toBe(1);
          // A wrong password is said in the form, still on the screen.
          await form.locator('input[type="email"]').fill(admin.email);
          await form.locator('input[type="password"]').fill('not the password');
          await form.locator('button[type="submit"]').click();
          const error = page.getByTestId('sign-in-error');
          await error.waitFor();
          expect(await error.textContent()).toBe('Nepareizs e-pasts vai parole.');
          expect(inside((await form.boundingBox())!, widths[1].viewport)).toBe(true);
        } finally {
          await page.close();
        }
      });

      /** A phone page on the explorer, the fixture's connected point off the map's middle; `tap()` opens its popup. */
      async function phoneOnPoint(errors: string[]) {
        const page = await openAt(browser(), widths[1], errors);
        await page.goto(ctx().url);
        await page.waitForFunction(() => !!window.__gis?.map?.loaded?.(), undefined, { timeout: 20_000 });
        const [lon, lat] = fromLks92(connected3059.x, connected3059.y);
        // Left of the middle, where a popup anchored to the point would run off the screen.
        await page.evaluate(
          ([lon, lat]) => {
            const map = window.__gis!.map;
            map.jumpTo({ center: [lon, lat], zoom: 17 });
            map.panBy([120, 0], { duration: 0 });
          },
          [lon, lat],
        );
        const canvas = (await page.locator('canvas.maplibregl-canvas').boundingBox())!;
        /** Where the point is on the screen now. */
        const onScreen = async () => {
          await page.evaluate(() => window.__gis!.idle());
          const p = await page.evaluate(([lon, lat]) => window.__gis!.map.project([lon, lat]), [lon, lat]);
          return { x: canvas.x + p.x, y: canvas.y + p.y };
        };
        const popup = page.locator('.maplibregl-popup.identify-popup');
        const tap = async () => {
          const point = await onScreen();
          await page.mouse.click(point.x, point.y);
          await popup.waitFor();
          await expect.poll(() => popup.locator('[data-field="status"]').first().textContent()).toBe('Pieslēgts');
        };
        return { page, popup, tap, onScreen };
      }

      it('fits the identify popup on a 375 px phone, its close control reachable and the tapped point above it', async () => {
        const errors: string[] = [];
        const { page, popup, tap, onScreen } = await phoneOnPoint(errors);
        try {
          const viewport = widths[1].viewport;
          await tap();
          const box = (await popup.boundingBox())!;
          expect(box, `popup at ${JSON.stringify(box)}`).toSatisfy((b: typeof box) => inside(b, viewport));
          // The tapped point (and its highlight) is moved above the popup, not hidden under it.
          await expect.poll(async () => (await onScreen()).y).toBeLessThan(box.y - 10);
          const close = popup.locator('.maplibregl-popup-close-button');
          expect(inside((await close.boundingBox())!, viewport)).toBe(true);
          expect(await reachable(close)).toBe(true);
          // The page never scrolls sideways.
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
          await screenshot(page, `identify-phone-${ctx().kind}`);
          const target = (await close.boundingBox())!;
          await page.mouse.click(target.x + target.width / 2, target.y + target.height / 2);
          await expect.poll(() => popup.count()).toBe(0);
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      });

      it('closes the identify popup when a measurement starts', async () => {
        const errors: string[] = [];
        const { page, popup, tap } = await phoneOnPoint(errors);
        try {
          await tap();
          await page.getByTestId('measure-distance').click();
          await expect.poll(() => popup.count()).toBe(0);
          await screenshot(page, `identify-phone-measuring-${ctx().kind}`);
          expect(errors).toEqual([]);
        } finally {
          await page.close();
        }
      });
    },
    { listen: true, env: { AUTH_RATE_LIMIT: '100' } },
  );
});
