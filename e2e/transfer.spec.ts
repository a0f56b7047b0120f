/**
 * Issue #14, export / import on the real Synapse: the default export holds no secret content and no
 * token; importing a file that changes one entry, adds one and carries server-managed ones shows
 * the diff, skips what it must with the reason, and writes only the selected entries.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { getEntry, signIn } from './pages.ts';
import { createRoom, getGlobalAccountData, putAccountData } from '../test-support/synapse.ts';

/** Every access token the page sends (the app's own session, not the fixture's). */
function watchTokens(page: Page): Set<string> {
  const tokens = new Set<string>();
  page.on('request', (request) => {
    const header = request.headers().authorization;
    if (header?.startsWith('Bearer ')) tokens.add(header.slice('Bearer '.length));
  });
  return tokens;
}

test.describe('export and import', () => {
  test('the default export has no secret content and no token; ticking "Include secrets" adds them', async ({
    page,
    user,
  }) => {
    const marker = `SECRET-${Date.now().toString(36)}`;
    await putAccountData(user, 'org.example.plain', { v: 1 });
    await putAccountData(user, 'm.secret_storage.key.e2e', { algorithm: 'x', iv: `${marker}-iv` });
    await putAccountData(user, 'm.megolm_backup.v1', {
      encrypted: { KEY: { iv: 'i', ciphertext: `${marker}-ct`, mac: 'm' } },
    });
    const tokens = watchTokens(page);
    const inspector = await signIn(page, user);
    await inspector.button('Export / import').click();
    const pane = page.getByRole('region', { name: 'Export and import' });
    await expect(pane).toContainText('2 entries hold encryption secrets and will be redacted');

    const download = page.waitForEvent('download');
    await pane.getByRole('button', { name: 'Export JSON' }).click();
    const text = readFileSync(await (await download).path(), 'utf8');
    const exported = JSON.parse(text) as {
      format: string;
      account: string;
      includesSecrets: boolean;
      global: Record<string, unknown>;
    };
    expect(exported).toMatchObject({
      format: 'account-data-inspector/export',
      formatVersion: 1,
      account: user.userId,
      includesSecrets: false,
    });
    expect(exported.global['org.example.plain']).toEqual({ v: 1 });
    expect(exported.global['m.secret_storage.key.e2e']).toBe('[redacted: holds encryption secrets]');
    expect(exported.global['m.megolm_backup.v1']).toBe('[redacted: holds encryption secrets]');
    expect(text).not.toContain(marker);
    expect(tokens.size).toBeGreaterThan(0);
    for (const token of [...tokens, user.accessToken]) expect(text).not.toContain(token);

    await pane.getByRole('checkbox', { name: 'Include secrets' }).check();
    await expect(pane.getByRole('alert')).toContainText('do not share it');
    const second = page.waitForEvent('download');
    await pane.getByRole('button', { name: 'Export JSON' }).click();
    const full = readFileSync(await (await second).path(), 'utf8');
    expect(full).toContain(`${marker}-iv`);
    expect(full).toContain(`${marker}-ct`);
    for (const token of [...tokens, user.accessToken]) expect(full).not.toContain(token);
  });

  test('import: diff shown, server-managed and redacted entries skipped, only the selected entries written', async ({
    page,
    user,
  }) => {
    const roomId = await createRoom(user, { name: 'Transfer room' });
    await putAccountData(user, 'org.example.change', { v: 1 });
    await putAccountData(user, 'org.example.keep', { v: 1 });
    await putAccountData(user, 'org.example.note', { text: 'old' }, roomId);
    const inspector = await signIn(page, user);
    await inspector.button('Export / import').click();
    const pane = page.getByRole('region', { name: 'Export and import' });

    // A bad file first: a clear message, nothing offered.
    await pane.getByLabel('Import file').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "account-data-inspector/export", "formatVersion": 7}'),
    });
    await expect(pane.getByRole('alert')).toContainText(
      "broken.json: The file's format version 7 is not supported; this app reads version 1. Nothing was changed.",
    );

    const file = {
      format: 'account-data-inspector/export',
      formatVersion: 1,
      account: user.userId,
      server: user.homeserver.baseUrl,
      exportedAt: new Date().toISOString(),
      includesSecrets: false,
      global: {
        'org.example.change': { v: 2 },
        'org.example.keep': { v: 99 },
        'org.example.added': { fresh: true },
        'm.push_rules': { global: {} },
        'm.secret_storage.default_key': '[redacted: holds encryption secrets]',
      },
      rooms: {
        [roomId]: { 'org.example.note': { text: 'new' }, 'm.fully_read': { event_id: '$elsewhere' } },
        '!not-joined:localhost': { 'org.example.note': { text: 'x' } },
      },
    };
    await pane.getByLabel('Import file').setInputFiles({
      name: 'account.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file)),
    });
    await expect(pane.getByRole('status', { name: 'Import summary' })).toContainText(
      '1 new, 3 changed, 0 unchanged, 4 skipped',
    );
    await expect(pane.getByRole('alert')).toHaveCount(0);

    // The changed entry's diff (Monaco): server version against the file.
    const diff = pane.getByRole('region', { name: 'Changes to org.example.change (global)' });
    await expect(diff).toBeVisible();
    await expect(diff).toContainText('"v": 2');

    const skipped = pane.getByRole('list', { name: 'Skipped entries' });
    await expect(skipped).toContainText(
      'm.push_rules (global): skipped — m.push_rules is managed by the server',
    );
    await expect(skipped).toContainText(
      `m.fully_read (room ${roomId}): skipped — m.fully_read is managed by the server`,
    );
    await expect(skipped).toContainText(
      'm.secret_storage.default_key (global): skipped — Redacted in the file',
    );
    await expect(skipped).toContainText('This account is not in room !not-joined:localhost');

    const entries = pane.getByRole('list', { name: 'Entries to import' });
    await entries.getByRole('checkbox', { name: 'Import org.example.keep (global)' }).uncheck();
    await expect(pane).toContainText('3 of 4 selected');
    await pane.getByRole('button', { name: 'Apply selected' }).click();
    const results = pane.getByRole('region', { name: 'Import results' });
    await expect(results).toContainText('Applied: 3 saved.');
    await expect(results).toContainText('org.example.change (global): saved');
    await expect(results).toContainText('org.example.added (global): saved');
    await expect(results).toContainText(`org.example.note (room ${roomId}): saved`);

    expect(await getGlobalAccountData(user, 'org.example.change')).toEqual({ v: 2 });
    expect(await getGlobalAccountData(user, 'org.example.added')).toEqual({ fresh: true });
    expect(await getGlobalAccountData(user, 'org.example.keep')).toEqual({ v: 1 });
    expect(await getEntry(user, 'org.example.note', roomId)).toEqual({ text: 'new' });
    // The plan follows the account: what was written is now unchanged; the unselected one still differs.
    await expect(pane.getByRole('status', { name: 'Import summary' })).toContainText(
      '0 new, 1 changed, 3 unchanged, 4 skipped',
    );
  });
});
