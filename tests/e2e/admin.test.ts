import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, type TestApp } from '../helpers/testApp.js';
import { addUser, municipalityId } from '../helpers/users.js';
import { describeInChromium, freshPage, screenshot } from './browser.js';

describeInChromium('administration', (browser) => {
  describeEachDatabase(
    'admin page',
    (ctx: () => TestApp) => {
      let page: Page;
      const errors: string[] = [];
      let planner: { email: string };

      beforeAll(async () => {
        const { app, url } = ctx();
        const testa = await municipalityId(app, 'testa');
        const admin = await addUser(app, { role: 'admin', municipality: testa, label: 'admin' });
        planner = await addUser(app, { role: 'viewer', municipality: testa, label: 'planner' });
        page = await freshPage(browser(), errors);
        const login = await page.request.post(`${url}/api/auth/login`, { data: { email: admin.email, password: admin.password } });
        expect(login.status()).toBe(200);
      });
      afterAll(async () => {
        await page?.close();
      });

      it("shows the administration link to an admin and changes a member's role", async () => {
        await page.goto(ctx().url);
        await page.getByTestId('nav-admin').click();
        const row = page.getByTestId('admin-users').locator(`tr[data-user="${planner.email}"]`);
        await row.waitFor();
        await row.getByRole('combobox').selectOption('official');
        await expect.poll(() => page.getByTestId('admin-notice').textContent()).toBe('Saglabāts.');
        expect(await row.getByRole('combobox').inputValue()).toBe('official');
        await screenshot(page, `admin-users-${ctx().kind}`);
      });

      it("removes a member from the municipality; disabling accounts is not offered to a municipality's admin", async () => {
        const leaving = await addUser(ctx().app, { role: 'viewer', municipality: await municipalityId(ctx().app, 'testa'), label: 'leaving' });
        await page.getByTestId('admin-tab-layers').click();
        await page.getByTestId('admin-tab-users').click();
        const row = page.getByTestId('admin-users').locator(`tr[data-user="${leaving.email}"]`);
        await row.waitFor();
        expect(await row.getByRole('button', { name: 'Bloķēt visā platformā' }).count()).toBe(0);
        await row.getByRole('button', { name: 'Noņemt no pašvaldības' }).click();
        await expect.poll(() => page.getByTestId('admin-notice').textContent()).toBe('Lietotāja loma šajā pašvaldībā noņemta.');
        await expect.poll(() => row.count()).toBe(0);
        const { rows } = await ctx().app.pg.query('SELECT disabled FROM app_user WHERE id = $1', [leaving.id]);
        expect(rows).toEqual([{ disabled: false }]);
      });

      it('lists who reads each layer, with personal data never offered as public', async () => {
        await page.getByTestId('admin-tab-layers').click();
        const sites = page.getByTestId('admin-layers').locator('tr[data-layer="testa-accommodation-sites"]');
        await sites.waitFor();
        expect(await sites.getByRole('combobox').inputValue()).toBe('editor');
        expect(await sites.locator('option[value="public"]').isDisabled()).toBe(true);
        await screenshot(page, `admin-layers-${ctx().kind}`);
      });

      it('stores a WMS key and shows back only its last four characters', async () => {
        await page.getByTestId('admin-tab-municipality').click();
        const key = page.getByTestId('admin-settings').locator('[data-key="LGIA_WMS_KEY"]');
        await key.locator('input').fill('e2e-secret-key-wxyz');
        await page.getByTestId('admin-settings').getByRole('button', { name: 'Saglabāt' }).click();
        await expect.poll(() => key.locator('input').getAttribute('placeholder')).toBe('••••wxyz');
        expect(await key.locator('input').inputValue()).toBe('');
        await screenshot(page, `admin-municipality-${ctx().kind}`);
        await key.getByRole('button', { name: 'Noņemt atslēgu' }).click();
        await expect.poll(() => key.locator('input').getAttribute('placeholder')).not.toBe('••••wxyz');
      });

      it('shows the role change in the audit log, with a CSV export', async () => {
        await page.getByTestId('admin-tab-audit').click();
        await page.getByTestId('admin-audit-filter').getByLabel('Darbība').fill('membership.update');
        await page.getByTestId('admin-audit-filter').getByRole('button', { name: 'Atlasīt' }).click();
        await expect.poll(() => page.getByTestId('admin-audit').textContent()).toContain('"role":"official"');
        expect(await page.getByTestId('admin-audit-csv').getAttribute('href')).toContain('/api/audit/export?');
        await screenshot(page, `admin-audit-${ctx().kind}`);
        expect(errors).toEqual([]);
      });
    },
    { listen: true, env: { AUTH_RATE_LIMIT: '100' } },
  );
});
