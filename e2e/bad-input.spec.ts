/**
 * Bad input against the real Synapse (issue #14): odd type names round-trip everywhere, names the
 * client cannot use are refused before any request, large content is warned about before saving,
 * and content over Synapse's request limit (52,428,800 bytes, docs/protocol.md §0.2) is explained
 * with the draft kept.
 */
import type { Page, Request } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signIn, getEntry, type InspectorPage } from './pages.ts';
import { putAccountData } from '../test-support/synapse.ts';

/** Account-data writes the page sent (method and raw path). */
function recordWrites(page: Page): string[] {
  const writes: string[] = [];
  page.on('request', (request: Request) => {
    if (request.method() !== 'GET' && /\/account_data\//.test(request.url())) {
      writes.push(`${request.method()} ${new URL(request.url()).pathname}`);
    }
  });
  return writes;
}

/**
 * Replaces the draft by pasting (a synthetic paste event with the text): typing tens of kilobytes
 * through the keyboard takes Monaco minutes, a paste is one edit.
 */
async function pasteText(page: Page, inspector: InspectorPage, type: string, text: string): Promise<void> {
  const editor = inspector.editor(type);
  await expect(editor).toBeEditable();
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await editor.evaluate((element, pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    element.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

test.describe('bad input', () => {
  test('a type with /, %, #, ?, spaces and non-ASCII round-trips: server, tree, editor, deep link', async ({
    page,
    user,
  }) => {
    const type = 'org.example/odd %41 #x? ü 类';
    const writes = recordWrites(page);
    const inspector = await signIn(page, user);

    await inspector.button('New entry').click();
    const dialog = inspector.dialog('New entry');
    await dialog.getByLabel('Type').fill(type);
    await dialog.getByLabel('Content').fill('{"v": 1}');
    await dialog.getByRole('button', { name: 'Create' }).click();

    // The server has it under exactly this name: the path was encoded once.
    await expect.poll(() => getEntry(user, type)).toEqual({ v: 1 });
    const once = `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/account_data/${encodeURIComponent(type)}`;
    expect(writes).toContain(`PUT ${once}`);

    // Tree label and editor heading show the name as is.
    await inspector.expand('Global');
    await inspector.open(type);
    await expect.poll(() => inspector.editorText()).toMatch(/"v":\s*1/);

    // The deep link names it, and reopening the link lands on the same entry.
    const link = page.url();
    expect(new URL(link).hash).toContain(`type=${new URLSearchParams({ t: type }).toString().slice(2)}`);
    await page.goto('about:blank');
    await page.goto(link);
    await inspector.waitLive();
    await expect(page.getByRole('heading', { name: type, level: 2 })).toBeVisible();

    // An edit saves back to the same name.
    await inspector.replaceText(type, '{"v": 2}');
    await inspector.button('Save').click();
    await inspector
      .dialog(/^Save /)
      .getByRole('button', { name: 'Confirm save' })
      .click();
    await expect.poll(() => getEntry(user, type)).toEqual({ v: 2 });
    expect(writes.filter((w) => w.startsWith('PUT ')).every((w) => w === `PUT ${once}`)).toBe(true);
  });

  test('types that are blank or over 255 bytes of UTF-8 are refused, saying why, with no request', async ({
    page,
    user,
  }) => {
    const writes = recordWrites(page);
    const inspector = await signIn(page, user);
    await inspector.button('New entry').click();
    const dialog = inspector.dialog('New entry');
    await dialog.getByLabel('Content').fill('{"v": 1}');

    await dialog.getByLabel('Type').fill('   ');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog.getByRole('alert')).toHaveText('Enter a type, e.g. org.example.settings.');

    // 128 × "é" = 128 characters but 256 bytes.
    await dialog.getByLabel('Type').fill('é'.repeat(128));
    await expect(dialog.getByRole('alert')).toHaveText(
      'The account-data type is 256 bytes long in UTF-8; the limit is 255 bytes.',
    );
    await expect(dialog.getByLabel('Type')).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toBeVisible();

    // Exactly 255 bytes is fine and reaches the server.
    const longest = 'a'.repeat(251) + 'é'.repeat(2);
    await dialog.getByLabel('Type').fill(longest);
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    expect(writes).toEqual([]);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => getEntry(user, longest)).toEqual({ v: 1 });
  });

  test('content over 64 KiB is warned about before saving, and saves', async ({ page, user }) => {
    const type = 'org.example.large';
    await putAccountData(user, type, { v: 1 });
    const inspector = await signIn(page, user);
    await inspector.expand('Global');
    await inspector.open(type);
    await expect(page.getByText('Large content')).toHaveCount(0);

    const big = JSON.stringify({ items: Array.from({ length: 700 }, (_, i) => `${i}`.padEnd(100, 'x')) });
    await pasteText(page, inspector, type, big);
    await expect(page.getByText('Large content')).toBeVisible();
    await expect(
      page.getByText(/This content is 7\d\.\d KB, over 64\.0 KB\. Saving is allowed/),
    ).toBeVisible();

    await inspector.button('Save').click();
    await inspector
      .dialog(/^Save /)
      .getByRole('button', { name: /^(Confirm save|Save anyway)$/ })
      .click();
    await expect.poll(() => getEntry(user, type)).toEqual(JSON.parse(big));
  });

  test('content over Synapse’s 50 MiB request limit is explained, nothing is written, and the draft is kept', async ({
    page,
    user,
  }) => {
    test.setTimeout(240_000);
    const type = 'org.example.huge';
    await putAccountData(user, type, { v: 1 });
    const inspector = await signIn(page, user);
    await inspector.expand('Global');
    await inspector.open(type);

    // 52,428,800 bytes is the limit (docs/protocol.md §0.2): 53,000 lines of 1,000 characters.
    const line = 'x'.repeat(1000);
    const huge = `{"chunks": [\n${Array.from({ length: 53_000 }, () => `"${line}"`).join(',\n')}\n]}`;
    expect(JSON.stringify(JSON.parse(huge)).length).toBeGreaterThan(52_428_800);
    await pasteText(page, inspector, type, huge);
    await expect(page.getByText('Large content')).toBeVisible({ timeout: 60_000 });

    await inspector.button('Save').click();
    await inspector
      .dialog(/^Save /)
      .getByRole('button', { name: /^(Confirm save|Save anyway)$/ })
      .click({ timeout: 60_000 });
    const banner = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await expect(banner).toContainText('probably too large for this server', { timeout: 60_000 });
    await expect(banner).toContainText('Your edit is kept');
    expect(await getEntry(user, type)).toEqual({ v: 1 });
    // The draft is still there: unsaved, and Save still offered.
    await expect(inspector.button('Revert')).toBeEnabled();
    await expect(inspector.button('Save')).toBeEnabled();
  });

  test('a 413 M_TOO_LARGE from a proxy is explained and the draft kept (routed fault: Synapse itself resets the connection instead)', async ({
    page,
    user,
  }) => {
    const type = 'org.example.proxied';
    await putAccountData(user, type, { v: 1 });
    const inspector = await signIn(page, user);
    await page.route(
      (url) => url.pathname.endsWith(`/account_data/${encodeURIComponent(type)}`),
      async (route) => {
        if (route.request().method() !== 'PUT') return route.continue();
        return route.fulfill({
          status: 413,
          contentType: 'application/json',
          headers: { 'Access-Control-Allow-Origin': '*' },
          body: JSON.stringify({ errcode: 'M_TOO_LARGE', error: 'Request content is too large (>1048576)' }),
        });
      },
    );
    await inspector.expand('Global');
    await inspector.open(type);
    await inspector.replaceText(type, '{"v": 2}');
    await inspector.button('Save').click();
    await inspector
      .dialog(/^Save /)
      .getByRole('button', { name: 'Confirm save' })
      .click();
    const banner = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await expect(banner).toContainText(
      'The content is too large for this server (it accepts requests up to 1.0 MB), so nothing was changed. Your edit is kept',
    );
    await expect.poll(() => inspector.editorText()).toMatch(/"v":\s*2/);
    expect(await getEntry(user, type)).toEqual({ v: 1 });
  });
});
