/**
 * Issue #8, deletions: Delete and Restore of global and room entries on both test servers — `main`
 * (MSC3391 on: DELETE, the server really deletes) and `nodelete` (MSC3391 off: PUT {}, the server
 * keeps `{}` forever) — with the right wording and mechanism in the UI and the right state on the
 * server; `{}` in the initial data as a tombstone; the "Show deleted" switch.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signIn, getEntry, type InspectorPage } from './pages.ts';
import {
  createRoom,
  createUser,
  homeserver,
  api,
  putAccountData,
  setTag,
  type HomeserverName,
  type TestUser,
} from '../test-support/synapse.ts';

const enc = encodeURIComponent;

/** The room's tags as `GET …/tags` answers them. */
async function getTags(user: TestUser, roomId: string): Promise<unknown> {
  return api(user, 'GET', `/v3/user/${enc(user.userId)}/rooms/${enc(roomId)}/tags`);
}

type ServerCase = {
  server: HomeserverName;
  /** The tombstone's badge and banner title. */
  title: string;
  /** How the Deleted banner names this app's delete. */
  mechanism: string;
  /** The banner's sentence about other clients. */
  otherClients: string;
  /** What a REST GET answers after the delete. */
  afterDelete: unknown;
};

const CASES: ServerCase[] = [
  {
    server: 'main',
    title: 'Deleted',
    mechanism: 'Deleted by this app with DELETE (MSC3391)',
    otherClients: 'the type vanishes from their initial syncs',
    afterDelete: { status: 404 },
  },
  {
    server: 'nodelete',
    title: 'Deleted (empty content)',
    mechanism: 'Deleted by this app by writing {} (PUT {})',
    otherClients: 'clients that do not treat {} as deleted will see an empty object',
    afterDelete: {},
  },
];

/** The open entry's Deleted banner (its title is the tombstone wording). */
const deletedBanner = (page: Page, title: string) =>
  page.locator('.entry-panel .banner').filter({ has: page.getByText(title, { exact: true }) });

async function deleteOpenEntry(inspector: InspectorPage): Promise<void> {
  await inspector.button('Delete').click();
  await inspector
    .dialog(/^Delete/)
    .getByRole('button', { name: 'Confirm delete' })
    .click();
}

async function restoreOpenEntry(inspector: InspectorPage, type: string): Promise<void> {
  await inspector.button('Restore').click();
  await inspector.dialog(`Restore ${type}?`).getByRole('button', { name: 'Confirm restore' }).click();
}

test('after a reload, a room tombstone says how this app deleted it and can still be restored, from the browser’s history', async ({
  page,
}) => {
  const user = await createUser(homeserver('main'), { prefix: 'e2e-del-reload' });
  const roomId = await createRoom(user, { name: 'Reload room' });
  await putAccountData(user, 'org.example.room', { volume: 7 }, roomId);
  const inspector = await signIn(page, user);
  await inspector.expand('Rooms');
  await inspector.expand('Reload room');
  await inspector.open('org.example.room');
  await deleteOpenEntry(inspector);
  await expect.poll(() => getEntry(user, 'org.example.room', roomId)).toEqual({ status: 404 });
  // The server having deleted it does not mean the app has recorded its own delete yet: reloading
  // before its DELETE reply is handled would lose that record (a test race, not a product path).
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(
    page.getByRole('table', { name: 'Versions of org.example.room' }).getByRole('row').nth(1),
  ).toContainText('This app: delete (DELETE)');
  await page.getByRole('tab', { name: 'Content' }).click();

  // A reload starts a new session: the room's first send carries the type as {} with no content.
  await page.reload();
  await inspector.waitLive();
  await inspector.expand('Rooms');
  await inspector.expand('Reload room');
  await inspector.open('org.example.room');
  const banner = deletedBanner(page, 'Deleted');
  await expect(banner).toContainText('Deleted by this app with DELETE (MSC3391)');
  await expect(banner).toContainText('this browser’s history');
  await restoreOpenEntry(inspector, 'org.example.room');
  await expect.poll(() => getEntry(user, 'org.example.room', roomId)).toEqual({ volume: 7 });
});

for (const c of CASES) {
  test.describe(`deletions on ${c.server} (MSC3391 ${c.server === 'main' ? 'on' : 'off'})`, () => {
    test('delete and restore a global and a room entry', async ({ page }) => {
      const user = await createUser(homeserver(c.server), { prefix: 'e2e-del' });
      const roomId = await createRoom(user, { name: 'Deletion room' });
      await putAccountData(user, 'org.example.global', { colour: 'green' });
      await putAccountData(user, 'org.example.room', { volume: 3 }, roomId);
      const inspector = await signIn(page, user);

      // Global: delete → tombstone with the server's wording and how it was done → server state.
      await inspector.open('org.example.global');
      await deleteOpenEntry(inspector);
      const globalRow = inspector.item('org.example.global');
      await expect(globalRow).toContainText(c.title);
      if (c.server === 'main') await expect(globalRow).not.toContainText('empty content');
      const banner = deletedBanner(page, c.title);
      await expect(banner).toContainText(c.mechanism);
      await expect(banner).toContainText('just now');
      await expect(banner).toContainText(c.otherClients);
      await expect.poll(() => getEntry(user, 'org.example.global')).toEqual(c.afterDelete);

      // Restore → the content is back on the server and the tombstone is gone.
      await restoreOpenEntry(inspector, 'org.example.global');
      await expect.poll(() => getEntry(user, 'org.example.global')).toEqual({ colour: 'green' });
      await expect(globalRow).not.toContainText('Deleted');
      await expect(inspector.button('Restore')).toHaveCount(0);

      // Room: the same.
      await inspector.expand('Rooms');
      await inspector.expand('Deletion room');
      await inspector.open('org.example.room');
      await deleteOpenEntry(inspector);
      const roomRow = inspector.item('org.example.room');
      await expect(roomRow).toContainText(c.title);
      if (c.server === 'main') await expect(roomRow).not.toContainText('empty content');
      await expect(deletedBanner(page, c.title)).toContainText(c.mechanism);
      await expect(deletedBanner(page, c.title)).toContainText(c.otherClients);
      await expect.poll(() => getEntry(user, 'org.example.room', roomId)).toEqual(c.afterDelete);

      await restoreOpenEntry(inspector, 'org.example.room');
      await expect.poll(() => getEntry(user, 'org.example.room', roomId)).toEqual({ volume: 3 });
      await expect(roomRow).not.toContainText('Deleted');

      // The Overview counts what is live and what is deleted now.
      await inspector.button('Overview').click();
      const overview = page.getByRole('region', { name: 'Overview' });
      await expect(overview).toContainText(/Room entries\s*1 live, 0 deleted/);
    });

    test('room tags: Delete removes every tag through the tags API, Restore puts them back', async ({
      page,
    }) => {
      const user = await createUser(homeserver(c.server), { prefix: 'e2e-del' });
      const roomId = await createRoom(user, { name: 'Tagged room' });
      await setTag(user, roomId, 'm.favourite', 0.5);
      await setTag(user, roomId, 'u.work');
      const inspector = await signIn(page, user);
      await inspector.expand('Rooms');
      await inspector.expand('Tagged room');
      await inspector.open('m.tag');
      await deleteOpenEntry(inspector);

      // m.tag without tags is absent from initial syncs on any server: plain "Deleted".
      await expect(inspector.item('m.tag')).toContainText('Deleted');
      await expect(inspector.item('m.tag')).not.toContainText('empty content');
      const banner = deletedBanner(page, 'Deleted');
      await expect(banner).toContainText('Deleted by this app by removing every tag through the tags API');
      await expect(banner).toContainText('Other clients see this room without any tags');
      await expect.poll(() => getTags(user, roomId)).toEqual({ tags: {} });

      await restoreOpenEntry(inspector, 'm.tag');
      await expect
        .poll(() => getTags(user, roomId))
        .toEqual({ tags: { 'm.favourite': { order: 0.5 }, 'u.work': {} } });
      await expect(inspector.item('m.tag')).not.toContainText('Deleted');
    });

    test('another client removing the last tag shows m.tag as deleted, when it was seen', async ({
      page,
    }) => {
      const user = await createUser(homeserver(c.server), { prefix: 'e2e-del' });
      const roomId = await createRoom(user, { name: 'Tagged room' });
      await setTag(user, roomId, 'm.favourite');
      const inspector = await signIn(page, user);
      await inspector.expand('Rooms');
      await inspector.expand('Tagged room');
      await inspector.open('m.tag');

      // Synapse sends {"tags":{}} for this, not {} (docs/protocol.md §9).
      await api(user, 'DELETE', `/v3/user/${enc(user.userId)}/rooms/${enc(roomId)}/tags/m.favourite`);
      await expect(inspector.item('m.tag')).toContainText('Deleted');
      await expect(deletedBanner(page, 'Deleted')).toContainText(
        'Deleted by another client; this app saw the deletion just now',
      );
    });
  });
}

test.describe('deletions in the initial data (MSC3391 off)', () => {
  test('a global entry set to {} by another client before sign-in is a tombstone "Deleted (empty content)" (#8)', async ({
    page,
  }) => {
    const user = await createUser(homeserver('nodelete'), { prefix: 'e2e-del' });
    await putAccountData(user, 'org.example.emptied', { was: 'here' });
    await putAccountData(user, 'org.example.emptied', {});
    // The server keeps `{}` (no MSC3391): that is what a sign-in finds.
    expect(await getEntry(user, 'org.example.emptied')).toEqual({});
    const inspector = await signIn(page, user);

    const row = inspector.item('org.example.emptied');
    await expect(row).toContainText('Deleted (empty content)');
    await inspector.open('org.example.emptied');
    const banner = deletedBanner(page, 'Deleted (empty content)');
    await expect(banner).toContainText('Already deleted when this session started');
    await expect(banner).toContainText('clients that do not treat {} as deleted will see an empty object');
    await expect(page.locator('.entry-panel__meta')).toContainText('deleted (empty content)');

    await inspector.button('Overview').click();
    await expect(page.getByRole('region', { name: 'Overview' })).toContainText(
      /Global entries\s*\d+ live, 1 deleted/,
    );
  });

  test('"Show deleted" hides and shows tombstones and survives a reload', async ({ page }) => {
    const user = await createUser(homeserver('nodelete'), { prefix: 'e2e-del' });
    await putAccountData(user, 'org.example.emptied', {});
    await putAccountData(user, 'org.example.kept', { k: 1 });
    const inspector = await signIn(page, user);
    const toggle = page.getByRole('switch', { name: 'Show deleted' });
    await expect(toggle).toBeChecked();
    await expect(inspector.item('org.example.emptied')).toBeVisible();

    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await expect(inspector.item('org.example.emptied')).toHaveCount(0);
    await expect(inspector.item('org.example.kept')).toBeVisible();

    await page.reload();
    await inspector.waitLive();
    await expect(page.getByRole('switch', { name: 'Show deleted' })).not.toBeChecked();
    await expect(inspector.item('org.example.kept')).toBeVisible();
    await expect(inspector.item('org.example.emptied')).toHaveCount(0);
    // Stored by user ID, never with a token.
    const stored = await page.evaluate(() => Object.entries(window.localStorage));
    const setting = stored.find(([key]) => key.includes('show-deleted'));
    expect(setting?.[0]).toContain(user.userId);
    expect(JSON.stringify(setting)).not.toContain(user.accessToken);

    await page.getByRole('switch', { name: 'Show deleted' }).click();
    await expect(inspector.item('org.example.emptied')).toBeVisible();
  });
});
