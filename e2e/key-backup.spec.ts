/**
 * The key-backup preference panel (MSC4287, issue #9) against the real Synapse: every state of the two
 * preference keys, the real server-side backup (created here with the room_keys API), the switch
 * writing both keys, and another client's change showing live.
 */
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { escapeRegExp, signIn, getEntry, type InspectorPage } from './pages.ts';
import { api, loginAsNewDevice, putAccountData, type TestUser } from '../test-support/synapse.ts';

const KEY_BACKUP = 'm.key_backup';
const OLD_KEY = 'm.org.matrix.custom.backup_disabled';
const ALGORITHM = 'm.megolm_backup.v1.curve25519-aes-sha2';

/** Opens the panel from the header and returns it. */
async function openPanel(inspector: InspectorPage): Promise<Locator> {
  await inspector.button('Key backup').click();
  const panel = inspector.page.getByRole('region', { name: 'Key backup preference' });
  await expect(panel).toBeVisible();
  return panel;
}

/** The `<dd>` after the `<dt>` named `term`. */
const fact = (panel: Locator, term: string) =>
  panel
    .locator('dt', { hasText: new RegExp(`^${escapeRegExp(term)}$`) })
    .locator('xpath=following-sibling::dd[1]');

/** Creates a server-side backup version, as a client setting up backup would. */
async function createBackup(user: TestUser): Promise<string> {
  const { version } = await api<{ version: string }>(user, 'POST', '/v3/room_keys/version', {
    algorithm: ALGORITHM,
    auth_data: { public_key: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ', signatures: {} },
  });
  return version;
}

test.describe('key backup preference panel (#9)', () => {
  const states: {
    name: string;
    keyBackup?: object;
    oldKey?: object;
    word: string;
    element?: RegExp;
    oldKeyText: RegExp;
    warning?: RegExp;
  }[] = [
    { name: 'missing', word: 'Not set', element: /it is not set either/, oldKeyText: /absent — not set/ },
    {
      name: 'true',
      keyBackup: { enabled: true },
      word: 'On',
      oldKeyText: /not set/,
      warning: /On, but there is no backup/,
    },
    { name: 'false', keyBackup: { enabled: false }, word: 'Off', oldKeyText: /not set/ },
    {
      name: 'invalid',
      keyBackup: { enabled: 'yes' },
      word: 'Invalid',
      element: /it is not set either/,
      oldKeyText: /not set/,
    },
    {
      name: 'unstable only',
      oldKey: { disabled: true },
      word: 'Not set',
      element: /it says Off, so Element Web turns backup off/,
      oldKeyText: /means Off \(its sense is reversed: disabled true\)/,
      warning: /Only the old key is set \(Off\)/,
    },
    {
      name: 'both disagreeing',
      keyBackup: { enabled: true },
      oldKey: { disabled: true },
      word: 'On',
      oldKeyText: /means Off/,
      warning: /m\.key_backup says On but the old key says Off.*matrix-rust-sdk/,
    },
  ];

  for (const state of states) {
    test(`shows the state: ${state.name}`, async ({ page, user }) => {
      if (state.keyBackup) await putAccountData(user, KEY_BACKUP, state.keyBackup);
      if (state.oldKey) await putAccountData(user, OLD_KEY, state.oldKey);
      const panel = await openPanel(await signIn(page, user));
      await expect(fact(panel, 'Preference')).toHaveText(new RegExp(`^${state.word} `));
      if (state.element) await expect(fact(panel, 'Element')).toHaveText(state.element);
      else await expect(fact(panel, 'Element')).toHaveCount(0);
      await expect(fact(panel, 'Old key')).toHaveText(state.oldKeyText);
      if (state.warning)
        await expect(panel.getByRole('status').filter({ hasText: state.warning })).toBeVisible();
      await expect(fact(panel, 'Backup')).toHaveText('No backup on the server');
      await expect(fact(panel, 'Key in secret storage')).toHaveText(/^No/);
      await expect(panel.getByRole('heading', { name: 'What a new sign-in will do' })).toBeVisible();
      await expect(page).toHaveURL(/#\/key-backup$/);
    });
  }

  test('shows a real backup, and warns Off while it exists and its key is not in secret storage', async ({
    page,
    user,
  }) => {
    const version = await createBackup(user);
    await putAccountData(user, KEY_BACKUP, { enabled: false });
    const panel = await openPanel(await signIn(page, user));
    await expect(fact(panel, 'Backup')).toHaveText(
      new RegExp(`^Version ${version} · ${escapeRegExp(ALGORITHM)} · 0 keys · etag \\S+$`),
    );
    await expect(panel.getByText('Off, but a backup exists')).toBeVisible();
    await expect(panel.getByText('Backup key not in secret storage')).toBeVisible();
    await expect(fact(panel, 'Last read')).toHaveText(/ago|now/);
    // Storing the key (a 4S secret) removes that warning, live.
    await putAccountData(user, 'm.megolm_backup.v1', {
      encrypted: { KEY: { iv: 'a', ciphertext: 'b', mac: 'c' } },
    });
    await expect(fact(panel, 'Key in secret storage')).toHaveText(/^Yes/);
    await expect(panel.getByText('Backup key not in secret storage')).toHaveCount(0);
  });

  test('the switch writes both keys after the confirmation', async ({ page, user }) => {
    const panel = await openPanel(await signIn(page, user));
    const toggle = panel.getByRole('switch', { name: 'Back up room keys on new sign-ins' });
    await expect(toggle).not.toBeChecked();
    await toggle.click();
    const dialog = page.getByRole('dialog', { name: 'Turn key backup on for new sign-ins?' });
    await expect(dialog).toContainText('changes what new sign-ins do');
    await expect(dialog).toContainText('creates or deletes no backup');
    await expect(dialog.getByRole('checkbox', { name: /Also write the old key/ })).toBeChecked();
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => getEntry(user, KEY_BACKUP)).toEqual({ enabled: true });
    await expect.poll(() => getEntry(user, OLD_KEY)).toEqual({ disabled: false });
    // The new values come back by sync.
    await expect(toggle).toBeChecked();
    await expect(fact(panel, 'Preference')).toHaveText(/^On /);
    await expect(fact(panel, 'Old key')).toHaveText(/means On/);

    await toggle.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => getEntry(user, KEY_BACKUP)).toEqual({ enabled: false });
    await expect.poll(() => getEntry(user, OLD_KEY)).toEqual({ disabled: true });
    await expect(toggle).not.toBeChecked();
  });

  test('a second client’s change shows live, and the backup is read again', async ({ page, user }) => {
    await putAccountData(user, KEY_BACKUP, { enabled: false });
    const panel = await openPanel(await signIn(page, user));
    await expect(fact(panel, 'Preference')).toHaveText(/^Off /);
    await expect(fact(panel, 'Backup')).toHaveText('No backup on the server');
    const other = await loginAsNewDevice(user);
    const version = await createBackup(other);
    await putAccountData(other, KEY_BACKUP, { enabled: true });
    await putAccountData(other, OLD_KEY, { disabled: false });
    await expect(fact(panel, 'Preference')).toHaveText(/^On /);
    await expect(fact(panel, 'Old key')).toHaveText(/means On/);
    // No sync stream for the backup: the key change made the panel read it again (not the 30 s timer).
    await expect(fact(panel, 'Backup')).toHaveText(new RegExp(`^Version ${version} `), { timeout: 10_000 });
    await expect(
      panel.getByText(/A new sign-in will turn key backup on and connect to the existing backup/),
    ).toBeVisible();
  });

  test('is reachable from the preference entries, the Overview and a deep link', async ({ page, user }) => {
    await putAccountData(user, KEY_BACKUP, { enabled: true });
    await putAccountData(user, OLD_KEY, { disabled: false });
    const inspector = await signIn(page, user);
    const panel = page.getByRole('region', { name: 'Key backup preference' });
    await page.getByRole('button', { name: 'Key backup details' }).click();
    await expect(panel).toBeVisible();
    for (const type of [KEY_BACKUP, OLD_KEY]) {
      await inspector.open(type);
      await expect(panel).toHaveCount(0);
      await inspector.button('Open the key backup panel').click();
      await expect(panel).toBeVisible();
    }
    await page.reload();
    await expect(page.getByRole('region', { name: 'Key backup preference' })).toBeVisible({
      timeout: 20_000,
    });
  });
});
