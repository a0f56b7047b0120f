/**
 * Accessibility: axe-core's WCAG 2.1 A/AA and best-practice rules on every main view, against the
 * real Synapse and the production build. Roles and labels are also what the other e2e tests find
 * things by; this checks what they cannot: contrast, unnamed inputs (Monaco's included), heading
 * structure, landmark use.
 */
import { test, expect } from './fixtures.ts';
import { axeViolations as violations } from './axe.ts';
import { SignInPage, signIn } from './pages.ts';
import { api, createRoom, loginAsNewDevice, putAccountData, setTag } from '../test-support/synapse.ts';

const enc = encodeURIComponent;

test.describe('accessibility', () => {
  test('every main view passes axe (WCAG 2.1 A/AA and best practice)', async ({ page, user }) => {
    test.setTimeout(120_000);
    await putAccountData(user, 'm.direct', { '@friend:localhost': ['!dm:localhost'] });
    const roomId = await createRoom(user, { name: 'Book club' });
    await setTag(user, roomId, 'm.favourite', 0.5);
    await putAccountData(user, 'org.example.room_notes', { text: 'hello' }, roomId);
    await putAccountData(user, 'org.example.retired', { old: true }, roomId);
    await api(
      user,
      'DELETE',
      `/unstable/org.matrix.msc3391/user/${enc(user.userId)}/rooms/${enc(roomId)}/account_data/org.example.retired`,
    );

    await page.goto('/');
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
    expect(await violations(page), 'start page').toEqual([]);
    await new SignInPage(page).chooseServer(user.homeserver.baseUrl);
    await expect(page.getByRole('form', { name: 'Sign in with password' })).toBeVisible();
    expect(await violations(page), 'password form').toEqual([]);
    await page.goto('/');

    const inspector = await signIn(page, user);
    await expect(page.getByRole('heading', { name: 'Overview', level: 2 })).toBeVisible();
    expect(await violations(page), 'overview').toEqual([]);

    // The editor (Monaco) on a selected row, then the History tab's diff (two more Monaco editors).
    await inspector.open('m.direct');
    await expect(inspector.editor('m.direct')).toBeEditable();
    expect(await violations(page), 'editor').toEqual([]);
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(
      page.getByLabel('Differences between two versions of m.direct', { exact: true }),
    ).toBeVisible();
    await expect(page.locator('.modified-in-monaco-diff-editor')).toBeVisible();
    expect(await violations(page), 'history and diff').toEqual([]);

    for (const [button, heading] of [
      ['Key backup', 'Key backup preference'],
      ['Activity', 'Activity'],
      ['Validation', 'Validation'],
      ['Diagnostic report', 'Diagnostic report'],
      ['Export / import', 'Export and import'],
    ] as const) {
      await page.getByRole('button', { name: button, exact: true }).click();
      await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
      expect(await violations(page), button).toEqual([]);
    }

    await page.getByRole('button', { name: 'New entry', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'New entry' })).toBeVisible();
    expect(await violations(page), 'new entry dialog').toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'New entry' })).toBeHidden();

    // A room with a tag, a live entry and a deleted one (a tombstone row), one of them selected.
    await inspector.expand('Rooms');
    await inspector.expand('Book club');
    await inspector.open('org.example.room_notes');
    await expect(inspector.item('org.example.retired')).toBeVisible();
    expect(await violations(page), 'room rows').toEqual([]);
    // Forced colours (Windows high contrast): the selected row is drawn with system colours.
    await page.emulateMedia({ forcedColors: 'active' });
    expect(await violations(page), 'room rows, forced colours').toEqual([]);
  });

  test('a version diff keeps every JSON token readable, in the light and the dark scheme', async ({
    page,
    user,
  }) => {
    // Monaco's own diff colours took a string to 2.84:1 on a changed line in the dark scheme;
    // src/editor/theme.ts has the inspector's themes and the arithmetic for both schemes.
    await putAccountData(user, 'org.example.tokens', { name: 'first', count: 1, on: true, gone: null });
    const inspector = await signIn(page, user);
    const other = await loginAsNewDevice(user);
    await putAccountData(other, 'org.example.tokens', { name: 'second', count: 22, on: false, added: 3.5 });
    await inspector.open('org.example.tokens');
    await page.getByRole('tab', { name: 'History' }).click();
    const diff = page.getByLabel('Differences between two versions of org.example.tokens', { exact: true });
    // Both sides show their changed lines (the default: newest against the one before it).
    await expect(diff.locator('.line-delete').first()).toBeVisible();
    await expect(diff.locator('.line-insert').first()).toBeVisible();
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      // Monaco marks each editor with its theme's base: wait for the switch before measuring.
      await expect(diff.locator('.original-in-monaco-diff-editor')).toHaveClass(
        colorScheme === 'dark' ? /\bvs-dark\b/ : /\bvs\b/,
      );
      expect(await violations(page), colorScheme).toEqual([]);
    }
  });
});
