/**
 * Issue #13, admin mode and the admin fast path, against the real Synapse: an admin created through
 * the shared-secret registration (`admin: true`) signs in, gets their own data preloaded by the admin
 * API, opens another user's account data read-only ("Inspect another user" → User ID → Open), refreshes,
 * reopens from the session's list and goes back to their own account; a non-admin never sees the
 * button; an unknown user and an invalid ID are explained.
 */
import { test, expect } from './fixtures.ts';
import { axeViolations } from './axe.ts';
import { signIn } from './pages.ts';
import { createRoom, createUser, putAccountData } from '../test-support/synapse.ts';

test.describe('admin mode (issue #13)', () => {
  test("an admin opens another user's account data read-only and goes back to their own", async ({
    page,
    hs,
    user,
  }) => {
    const roomId = await createRoom(user, { name: 'Inspected room' });
    await putAccountData(user, 'org.example.inspected', { seen: 'by the admin' });
    await putAccountData(user, 'org.example.room_cfg', { colour: 'teal' }, roomId);
    const admin = await createUser(hs, { prefix: 'e2e-admin', admin: true });
    await putAccountData(admin, 'org.example.admins_own', { mine: true });

    const inspector = await signIn(page, admin);
    // Whether the admin fast path beats sync to the first data depends on timing, so it is covered by
    // the unit tests of its merge (provisional.test.ts), not asserted here.
    await expect(inspector.item('org.example.admins_own')).toBeVisible();

    await page.getByRole('button', { name: 'Inspect another user', exact: true }).click();
    const form = page.getByRole('form', { name: 'Inspect another user' });
    await expect(form).toBeVisible();
    expect(await axeViolations(page), 'the Inspect another user form').toEqual([]);
    await form.getByRole('textbox', { name: 'User ID' }).fill(user.userId);
    await form.getByRole('button', { name: 'Open', exact: true }).click();

    await expect(page.getByRole('banner')).toContainText(user.userId);
    await expect(page.getByText(/read-only snapshot from Synapse's admin API, not live/)).toBeVisible();
    await expect(page.getByText(`Viewing ${user.userId} read-only`)).toBeVisible();
    await expect(inspector.button('New entry')).toHaveCount(0);

    await inspector.expand('Global');
    await expect(inspector.item('org.example.admins_own')).toHaveCount(0);
    await inspector.open('org.example.inspected');
    await expect(page.getByText('Read-only: admin API snapshot')).toBeVisible();
    await expect(inspector.button('Delete')).toHaveCount(0);
    await expect(inspector.button('Save')).toBeDisabled();
    const editor = inspector.editor('org.example.inspected');
    await expect(editor).toBeVisible();
    await expect.poll(() => inspector.editorText()).toContain('by the admin');
    expect(await axeViolations(page), 'read-only admin view').toEqual([]);
    // Typing changes nothing: the editor is read-only (Monaco's edit surface carries no readonly attribute).
    await editor.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"typed": 1}');
    await expect(page.getByText('Unsaved draft')).toHaveCount(0);
    expect(await inspector.editorText()).toContain('by the admin');
    await expect(inspector.button('Save')).toBeDisabled();

    // Rooms are named by their ID: the admin API has no names.
    await inspector.expand('Rooms');
    await inspector.expand(roomId);
    await inspector.open('org.example.room_cfg');

    // Refresh re-reads: a change made meanwhile shows up.
    await putAccountData(user, 'org.example.later', { added: 'after the first read' });
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(inspector.item('org.example.later')).toBeVisible();

    const recent = page.getByRole('navigation', { name: 'Users looked at this session' });
    await expect(recent.getByRole('button', { name: user.userId, exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Back to my account', exact: true }).click();
    await expect(page.getByRole('banner')).not.toContainText(user.userId);
    await expect(inspector.item('org.example.admins_own')).toBeVisible();
    await expect(inspector.button('New entry')).toBeVisible();

    // The session's list reopens a user with one click.
    await page.getByRole('button', { name: 'Inspect another user', exact: true }).click();
    await recent.getByRole('button', { name: user.userId, exact: true }).click();
    await expect(page.getByRole('banner')).toContainText(user.userId);
    await expect(inspector.item('org.example.inspected')).toBeVisible();
  });

  test('an unknown user is explained and an invalid ID is refused before any request', async ({
    page,
    hs,
  }) => {
    const admin = await createUser(hs, { prefix: 'e2e-admin', admin: true });
    await signIn(page, admin);
    await page.getByRole('button', { name: 'Inspect another user', exact: true }).click();
    const form = page.getByRole('form', { name: 'Inspect another user' });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/_synapse/admin/')) requests.push(r.url());
    });

    await form.getByRole('textbox', { name: 'User ID' }).fill('not-a-user-id');
    await form.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(form.getByRole('alert')).toContainText('is not a Matrix user ID');
    expect(requests).toEqual([]);

    const missing = `@nobody-${Date.now().toString(36)}:${hs.serverName}`;
    await form.getByRole('textbox', { name: 'User ID' }).fill(missing);
    await form.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(form.getByRole('alert')).toContainText(`There is no user ${missing} on this server.`);
  });

  test('a non-admin never sees "Inspect another user"', async ({ page, user }) => {
    const inspector = await signIn(page, user);
    await expect(inspector.status).not.toHaveAttribute('title', /preloaded/);
    await expect(page.getByRole('button', { name: 'Inspect another user' })).toHaveCount(0);
  });
});
