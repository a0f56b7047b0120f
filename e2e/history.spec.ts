/**
 * Issue #8, history: every version the app observes is kept per account in IndexedDB and shown in
 * the entry's History tab, across all scopes in the Activity view, and addressable by deep links.
 * Real Synapse; "a second client" is another device of the same user writing over REST.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { escapeRegExp, signIn, type InspectorPage } from './pages.ts';
import { loginAsNewDevice, putAccountData } from '../test-support/synapse.ts';

const versionsTable = (page: Page, type: string) => page.getByRole('table', { name: `Versions of ${type}` });
const versionRows = (page: Page, type: string) =>
  versionsTable(page, type)
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
const diffOf = (page: Page, type: string) =>
  page.getByLabel(`Differences between two versions of ${type}`, { exact: true });

async function openHistory(page: Page, inspector: InspectorPage, type: string): Promise<void> {
  await inspector.open(type);
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(versionsTable(page, type)).toBeVisible();
}

test.describe('history', () => {
  test('a second client changes m.direct three times: three live versions with the right diffs', async ({
    page,
    user,
  }) => {
    await putAccountData(user, 'm.direct', { '@a:x': ['!1:x'] });
    const inspector = await signIn(page, user);
    const other = await loginAsNewDevice(user, 'Second client');
    await openHistory(page, inspector, 'm.direct');
    await expect(versionRows(page, 'm.direct')).toHaveCount(1);
    await expect(versionRows(page, 'm.direct').first()).toContainText('Initial sync');

    await putAccountData(other, 'm.direct', { '@a:x': ['!1:x'], '@b:x': ['!2:x'] });
    await expect(versionRows(page, 'm.direct')).toHaveCount(2);
    await putAccountData(other, 'm.direct', { '@b:x': ['!2:x'] });
    await expect(versionRows(page, 'm.direct')).toHaveCount(3);
    await putAccountData(other, 'm.direct', { '@b:x': ['!2:x', '!3:x'], '@c:x': ['!4:x'] });
    await expect(versionRows(page, 'm.direct')).toHaveCount(4);

    const rows = versionRows(page, 'm.direct');
    await expect(rows.nth(0)).toContainText('Live change');
    await expect(rows.nth(0)).toContainText('+1 key, 1 changed');
    await expect(rows.nth(1)).toContainText('−1 key');
    await expect(rows.nth(2)).toContainText('+1 key');
    // Default diff: newest against the one before it.
    await expect(diffOf(page, 'm.direct')).toContainText('!3:x');
    // Any two: the oldest live change against the initial version.
    await rows
      .nth(2)
      .getByRole('button', { name: /^Show version/ })
      .click();
    await expect(diffOf(page, 'm.direct')).toContainText('@b:x');
    await expect(diffOf(page, 'm.direct')).not.toContainText('@c:x');
  });

  test('restore an earlier version through the diff confirmation; history and the tab survive a reload', async ({
    page,
    user,
  }) => {
    await putAccountData(user, 'org.example.history', { v: 1 });
    const inspector = await signIn(page, user);
    const other = await loginAsNewDevice(user);
    await putAccountData(other, 'org.example.history', { v: 2 });
    await openHistory(page, inspector, 'org.example.history');
    await expect(versionRows(page, 'org.example.history')).toHaveCount(2);

    await versionRows(page, 'org.example.history')
      .nth(1)
      .getByRole('button', { name: /^Show version/ })
      .click();
    await page.getByRole('button', { name: 'Restore this version' }).click();
    const dialog = inspector.dialog(/^Restore org\.example\.history/);
    await expect(dialog).toContainText('"v": 1');
    await dialog.getByRole('button', { name: 'Confirm restore' }).click();
    await expect
      .poll(async () => {
        const res = await fetch(
          `${user.homeserver.baseUrl}/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/account_data/org.example.history`,
          { headers: { Authorization: `Bearer ${user.accessToken}` } },
        );
        return (await res.json()) as unknown;
      })
      .toEqual({ v: 1 });
    await expect(versionRows(page, 'org.example.history').first()).toContainText(/This app: restore/);

    // The address bar names the view; a reload comes back to it with the versions still there.
    expect(new URL(page.url()).hash).toMatch(
      /^#\/entry\?scope=global&type=org\.example\.history&tab=history/,
    );
    expect(page.url()).not.toContain(user.accessToken);
    await page.reload();
    await inspector.waitLive();
    await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
    await expect(versionRows(page, 'org.example.history')).toHaveCount(3);
  });

  test('Activity lists changes across scopes newest first, updates live, and opens a version by deep link', async ({
    page,
    user,
  }) => {
    await putAccountData(user, 'org.example.a', { n: 0 });
    const inspector = await signIn(page, user);
    const other = await loginAsNewDevice(user);
    await inspector.button('Activity').click();
    const activity = page.getByRole('region', { name: 'Activity' });
    await expect(activity).toBeVisible();
    await expect(activity.getByText('No changes yet')).toBeVisible();

    await putAccountData(other, 'org.example.a', { n: 1 });
    await putAccountData(other, 'org.example.b', { n: 1 });
    const list = activity.getByRole('list', { name: 'Changes, newest first' });
    await expect(list.getByRole('button')).toHaveCount(2);
    await expect(list.getByRole('button').nth(0)).toContainText('org.example.b');
    await expect(list.getByRole('button').nth(1)).toContainText('org.example.a');
    expect(new URL(page.url()).hash).toBe('#/activity');

    // Filter by type.
    await activity.getByRole('searchbox', { name: 'Type' }).fill('example.a');
    await expect(list.getByRole('button')).toHaveCount(1);

    // A row opens the entry's history at that version; the link reopens the same place.
    await list.getByRole('button').first().click();
    await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
    const link = page.url();
    expect(link).toMatch(new RegExp(`${escapeRegExp('type=org.example.a&tab=history&version=')}\\d+$`));
    await page.goto('about:blank');
    await page.goto(link);
    await inspector.waitLive();
    await expect(page.getByRole('heading', { name: 'org.example.a', level: 2 })).toBeVisible();
    await expect(
      versionsTable(page, 'org.example.a').getByRole('button', { pressed: true }),
    ).toHaveAccessibleName(/^Show version \d+$/);
  });

  test('a lower "versions kept per entry" drops the oldest versions, and is remembered', async ({
    page,
    user,
  }) => {
    await putAccountData(user, 'org.example.bounded', { v: 0 });
    const inspector = await signIn(page, user);
    const other = await loginAsNewDevice(user);
    await inspector.button('Activity').click();
    const activity = page.getByRole('region', { name: 'Activity' });
    await activity.getByText('History settings').click();
    const perEntry = activity.getByRole('spinbutton', { name: 'Versions kept per entry' });
    await perEntry.fill('2');
    await activity.getByRole('button', { name: 'Apply' }).click();
    await expect(activity.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    for (const v of [1, 2, 3]) {
      await putAccountData(other, 'org.example.bounded', { v });
      await expect(activity.getByRole('button', { name: /org\.example\.bounded/ })).toHaveCount(
        Math.min(v, 2),
      );
    }
    await openHistory(page, inspector, 'org.example.bounded');
    await expect(versionRows(page, 'org.example.bounded')).toHaveCount(2);
    await expect(diffOf(page, 'org.example.bounded')).toContainText('"v": 3');
    await page.reload();
    await inspector.waitLive();
    await inspector.button('Activity').click();
    await page.getByText('History settings').click();
    await expect(page.getByRole('spinbutton', { name: 'Versions kept per entry' })).toHaveValue('2');
  });

  test('exports one entry’s history or everything as JSON, secrets redacted unless chosen', async ({
    page,
    user,
  }) => {
    await putAccountData(user, 'org.example.export', { v: 1 });
    await putAccountData(user, 'm.megolm_backup.v1', {
      encrypted: { KEY: { iv: 'i', ciphertext: 'SECRETTEXT', mac: 'm' } },
    });
    const inspector = await signIn(page, user);
    await inspector.button('Activity').click();
    const activity = page.getByRole('region', { name: 'Activity' });
    const download = page.waitForEvent('download');
    await activity.getByRole('button', { name: 'Export all history' }).click();
    const file = await (await download).path();
    const text = (await import('node:fs')).readFileSync(file, 'utf8');
    expect(text).toContain('org.example.export');
    expect(text).toContain('m.megolm_backup.v1');
    expect(text).not.toContain('SECRETTEXT');
    expect(text).not.toContain(user.accessToken);

    await activity.getByRole('checkbox', { name: 'Include secrets' }).check();
    const second = page.waitForEvent('download');
    await activity.getByRole('button', { name: 'Export all history' }).click();
    const withSecrets = (await import('node:fs')).readFileSync(await (await second).path(), 'utf8');
    expect(withSecrets).toContain('SECRETTEXT');
  });

  test('an editor, then a version diff, then another editor: nothing is logged as an error', async ({
    page,
    user,
  }) => {
    // Regression: Monaco's JSON support loads every editor contribution late (monaco-editor 0.57's
    // `internal/common/workers`), after Monaco's services had started, so the diff view logged
    // "[createInstance] … depends on UNKNOWN service ICodeLensCache" and "… treeViewsDndService".
    const errors: string[] = [];
    page.on('console', (msg) => {
      // The capability probes' expected 403/404 answers are logged as failed resource loads.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        errors.push(msg.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await putAccountData(user, 'org.example.first', { v: 1 });
    await putAccountData(user, 'org.example.second', { v: 1 });
    const inspector = await signIn(page, user);
    const other = await loginAsNewDevice(user);
    await putAccountData(other, 'org.example.first', { v: 2 });
    await openHistory(page, inspector, 'org.example.first');
    await expect(versionRows(page, 'org.example.first')).toHaveCount(2);
    await expect(diffOf(page, 'org.example.first')).toContainText('"v": 2');
    await inspector.open('org.example.second');
    await expect(inspector.editor('org.example.second')).toBeVisible();
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(versionsTable(page, 'org.example.second')).toBeVisible();
    expect(errors).toEqual([]);
  });
});
