/**
 * Faults on the sync connection (issue #14), against the real Synapse with Playwright routing the
 * sync requests: server error bursts, a very slow reply, and the homeserver going away mid
 * long-poll. Each test is named "(routed fault)": the faults are injected, the server is real.
 */
import type { Page, Route } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signIn, type InspectorPage } from './pages.ts';
import { putAccountData } from '../test-support/synapse.ts';

/** Sliding sync or the /v3/sync fallback, whichever the app uses. */
const isSync = (url: URL) => /\/(v3|org\.matrix\.simplified_msc3575)\/sync$/.test(url.pathname);

/** Statuses the indicator showed, sampled on every change. */
async function recordStatuses(page: Page, inspector: InspectorPage): Promise<() => Promise<string[]>> {
  await inspector.status.evaluate((element) => {
    const seen: string[] = [element.textContent];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    new MutationObserver(() => {
      const text = element.textContent;
      if (seen.at(-1) !== text) seen.push(text);
    }).observe(element, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
}

test.describe('faults', () => {
  test('a burst of 502/503 on sync shows backing-off, then Live again with the data (routed fault)', async ({
    page,
    user,
  }) => {
    test.setTimeout(90_000);
    const inspector = await signIn(page, user);
    const statuses = await recordStatuses(page, inspector);
    let failures = 0;
    await page.route(isSync, async (route: Route) => {
      if (failures < 4) {
        failures++;
        await route.fulfill({
          status: failures % 2 ? 503 : 502,
          contentType: 'text/html',
          headers: { 'Access-Control-Allow-Origin': '*' },
          body: '<html><body>Bad Gateway</body></html>',
        });
        return;
      }
      await route.fallback();
    });
    // The in-flight long-poll ends when something changes; the next request hits the burst.
    await putAccountData(user, 'org.example.during_burst', { v: 1 });
    await expect(inspector.status).toHaveText(/Reconnecting in \d+s \(server error 50[23]/);
    await expect(inspector.status).toHaveText('Live', { timeout: 45_000 });
    expect(failures).toBe(4);
    await inspector.expand('Global');
    await expect(inspector.item('org.example.during_burst')).toBeVisible();
    const seen = await statuses();
    expect(seen.some((s) => s.startsWith('Reconnecting'))).toBe(true);
    expect(seen).not.toContain('Session expired');
  });

  test('a sync reply delayed 20 s keeps the status sane, and the change it carries arrives (routed fault)', async ({
    page,
    user,
  }) => {
    test.setTimeout(120_000);
    const inspector = await signIn(page, user);
    const statuses = await recordStatuses(page, inspector);
    let delayed = 0;
    await page.route(isSync, async (route: Route) => {
      if (delayed === 0) {
        delayed = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 20_000));
      }
      await route.fallback();
    });
    // Ends the current long-poll, so the next request is the delayed one.
    await putAccountData(user, 'org.example.before', { v: 1 });
    await expect.poll(() => delayed, { timeout: 35_000 }).toBeGreaterThan(0);
    await putAccountData(user, 'org.example.slow', { v: 1 });
    await page.waitForTimeout(10_000);
    // Halfway through the wait: nothing alarming is shown.
    await expect(inspector.status).toHaveText('Live');
    await inspector.expand('Global');
    await expect(inspector.item('org.example.slow')).toBeVisible({ timeout: 40_000 });
    expect(Date.now() - delayed).toBeGreaterThanOrEqual(20_000);
    await expect(inspector.status).toHaveText('Live');
    // A slow reply is not an error: the indicator never left Live.
    expect(await statuses()).toEqual(['Live']);
  });

  test('the homeserver going away mid long-poll: recovers, loses nothing, duplicates nothing (routed fault)', async ({
    page,
    user,
  }) => {
    test.setTimeout(120_000);
    await putAccountData(user, 'org.example.before', { v: 1 });
    const inspector = await signIn(page, user);
    await inspector.expand('Global');
    await expect(inspector.item('org.example.before')).toBeVisible();

    // "Restart": the in-flight long-poll is cut, and for 8 s every sync is refused.
    let downUntil = 0;
    const held: Route[] = [];
    await page.route(isSync, async (route: Route) => {
      if (downUntil === 0) {
        held.push(route); // the long-poll in flight when the server "dies"
        return;
      }
      if (Date.now() < downUntil) {
        await route.abort('connectionrefused');
        return;
      }
      await route.fallback();
    });
    // End the current long-poll so the next one is routed (and held).
    await putAccountData(user, 'org.example.trigger', { v: 1 });
    await expect.poll(() => held.length, { timeout: 35_000 }).toBe(1);
    downUntil = Date.now() + 8_000;
    await held[0]?.abort('connectionreset');

    // Written while the server is "down" for the app (another client's writes still land).
    await putAccountData(user, 'org.example.during', { v: 1 });
    await putAccountData(user, 'org.example.before', { v: 2 });
    await expect(inspector.status).toHaveText(/Reconnecting|Offline/);
    await expect(inspector.status).toHaveText('Live', { timeout: 60_000 });

    for (const type of ['org.example.before', 'org.example.trigger', 'org.example.during']) {
      await expect(inspector.item(type)).toBeVisible();
    }
    const labels = await inspector.childLabels('Global');
    expect(labels.length).toBe(new Set(labels).size);
    await inspector.open('org.example.before');
    await expect.poll(() => inspector.editorText()).toMatch(/"v":\s*2/);
  });
});
