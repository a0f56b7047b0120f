/**
 * Issue #14, the Diagnostic report pane on the real Synapse: generated on open; the Markdown names
 * the server (and its Synapse version), the sync transport and the devices with their clients; a
 * seeded secret type is named but its value is absent, and no access token appears (the fixture's
 * nor the browser session's); the JSON download parses and is as clean.
 */
import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures.ts';
import { signIn } from './pages.ts';
import { loginAsNewDevice, putAccountData, putClientInformation } from '../test-support/synapse.ts';

const SECRET_MARKER = 'report-secret-marker-5e1c';

test('Diagnostic report: server, transport, devices; a secret named but not shown; no token; JSON parses', async ({
  page,
  user,
}) => {
  const phone = await loginAsNewDevice(user, 'Phone');
  await putClientInformation(user, phone.deviceId, { name: 'Element X', version: '25.11.0' });
  await putAccountData(user, 'm.secret_storage.key.report', {
    algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
    iv: SECRET_MARKER,
    mac: SECRET_MARKER,
  });
  await putAccountData(user, 'm.megolm_backup.v1', {
    encrypted: { report: { ciphertext: SECRET_MARKER, iv: 'aaaa', mac: 'bbbb' } },
  });

  // The browser session's own token, from the requests it sends.
  const browserTokens = new Set<string>();
  page.on('request', (request) => {
    const auth = request.headers().authorization;
    if (auth?.startsWith('Bearer ')) browserTokens.add(auth.slice('Bearer '.length));
  });

  await signIn(page, user);
  await page
    .getByRole('group', { name: 'Support tools' })
    .getByRole('button', { name: 'Diagnostic report' })
    .click();
  const pane = page.getByRole('region', { name: 'Diagnostic report' });
  const downloadJson = pane.getByRole('button', { name: 'Download JSON' });
  await expect(downloadJson).toBeEnabled({ timeout: 15_000 });

  const markdown = pane.getByLabel('Report (Markdown)');
  await expect(markdown).toContainText(`- Homeserver: ${user.homeserver.baseUrl}`);
  await expect(markdown).toContainText(/- Software: Synapse \d+\.\d+/);
  await expect(markdown).toContainText('- Sync transport: Simplified sliding sync (MSC4186)');
  await expect(markdown).toContainText('- Deleting account data (MSC3391): yes');
  await expect(markdown).toContainText(`| \`${phone.deviceId}\` | Phone | Element X 25.11.0 |`);
  await expect(markdown).toContainText('`m.secret_storage.key.report`');
  await expect(markdown).toContainText('`m.megolm_backup.v1`');

  const text = (await markdown.textContent()) ?? '';
  expect(text).not.toContain(SECRET_MARKER);
  expect(browserTokens.size).toBeGreaterThan(0);
  for (const token of [user.accessToken, phone.accessToken, ...browserTokens])
    expect(text).not.toContain(token);

  const [download] = await Promise.all([page.waitForEvent('download'), downloadJson.click()]);
  expect(download.suggestedFilename()).toMatch(/^diagnostic-report-.+\.json$/);
  const jsonText = await readFile(await download.path(), 'utf8');
  const report = JSON.parse(jsonText) as {
    format: string;
    account: { userId: string };
    sync: { transport: string };
    secretTypes: string[];
    devices: { deviceId: string; client: { name?: string } | null }[];
  };
  expect(report.format).toBe('account-data-inspector/diagnostic-report');
  expect(report.account.userId).toBe(user.userId);
  expect(report.sync.transport).toBe('sliding');
  expect(report.secretTypes).toEqual(['m.megolm_backup.v1', 'm.secret_storage.key.report']);
  expect(report.devices.find((d) => d.deviceId === phone.deviceId)?.client).toEqual({
    name: 'Element X',
    version: '25.11.0',
  });
  expect(jsonText).not.toContain(SECRET_MARKER);
  for (const token of [user.accessToken, phone.accessToken, ...browserTokens]) {
    expect(jsonText).not.toContain(token);
  }
});
