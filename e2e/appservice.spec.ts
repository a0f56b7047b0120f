/**
 * Application-service mode (issue #12, docs/protocol.md §7) against the real Synapse: the test
 * registration `inspector-test` that scripts/homeserver.sh installs (test-support/appservice.ts).
 * Sign in with the registration YAML, act for a namespaced user by identity assertion (read, write,
 * live updates, drafts per user), a user outside the namespace refused before any request, and the
 * MSC3682 transaction preview following the changes.
 */
import { randomBytes } from 'node:crypto';
import type { Page, Request } from '@playwright/test';
import { stringify } from 'yaml';
import { test, expect } from './fixtures.ts';
import { axeViolations } from './axe.ts';
import { InspectorPage, SignInPage } from './pages.ts';
import { appservice, asApi, asFetch, asUser, type TestAppservice } from '../test-support/appservice.ts';

const enc = encodeURIComponent;
const globalPath = (userId: string, type: string) => `/v3/user/${enc(userId)}/account_data/${enc(type)}`;

/** The registration as a bridge developer would paste it, with a dummy hs_token that must be dropped. */
function registrationYaml(as: TestAppservice, hsToken: string): string {
  return stringify({
    id: as.id,
    url: as.receiverUrl,
    as_token: as.asToken,
    hs_token: hsToken,
    sender_localpart: as.senderLocalpart,
    namespaces: {
      users: as.userRegexes.map((regex) => ({ exclusive: true, regex })),
      aliases: [],
      rooms: [],
    },
    rate_limited: false,
  });
}

/** Everything the page keeps: localStorage, sessionStorage and every IndexedDB store, as text. */
async function storedText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump = (storage: Storage) =>
      JSON.stringify(
        Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').map((key) => [
          key,
          storage.getItem(key),
        ]),
      );
    const parts: string[] = [dump(localStorage), dump(sessionStorage)];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const name = info.name;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => {
          resolve(open.result);
        };
        open.onerror = () => {
          reject(new Error(String(open.error)));
        };
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => {
            resolve(request.result);
          };
          request.onerror = () => {
            reject(new Error(String(request.error)));
          };
        });
        parts.push(JSON.stringify(all));
      }
      db.close();
    }
    return parts.join('\n');
  });
}

test.describe('application-service mode (MSC3682 view)', () => {
  test('signs in with the registration, acts for a namespace user: reads, writes, live updates, drafts per user, refusals and the transaction preview', async ({
    page,
  }) => {
    const as = appservice();
    const alice = await asUser(undefined, as);
    await asApi(alice.userId, 'PUT', globalPath(alice.userId, 'org.example.as'), { v: 1 });
    const hsToken = `hs_dummy_${randomBytes(8).toString('hex')}`;
    const requests: Request[] = [];
    page.on('request', (request) => {
      requests.push(request);
    });

    // Sign in with the registration YAML.
    await new SignInPage(page).chooseServer(as.homeserver.baseUrl);
    await page.getByRole('button', { name: 'Sign in as an application service' }).click();
    await page.getByRole('textbox', { name: 'Registration YAML' }).fill(registrationYaml(as, hsToken));
    await page.getByRole('button', { name: 'Sign in as application service' }).click();
    const header = page.getByRole('banner');
    await expect(header).toContainText(`Application service ${as.id}`);
    await expect(header).toContainText(as.senderUserId);
    const inspector = new InspectorPage(page);
    // The sender is there from the start, but Synapse does not sync it (docs/protocol.md §7): said so.
    await expect(page.getByRole('radio', { name: as.senderUserId })).toBeChecked();
    await expect(page.getByText(/Synapse does not sync an application service's sender user/)).toBeVisible();
    expect(await axeViolations(page), 'the application-service view').toEqual([]);

    // A user outside the namespace is refused with no request naming it.
    const outsider = `@outsider_${randomBytes(3).toString('hex')}:${as.homeserver.serverName}`;
    const userIdBox = page.getByRole('textbox', { name: 'User ID' });
    await userIdBox.fill(outsider);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'outside the namespace' })).toContainText(
      outsider,
    );
    expect(requests.filter((r) => decodeURIComponent(r.url()).includes(outsider))).toEqual([]);

    // Add the namespace user: its global data appears, read by identity assertion.
    await userIdBox.fill(alice.userId);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByRole('radio', { name: alice.userId })).toBeChecked();
    await inspector.waitLive();
    await expect(inspector.item('org.example.as')).toBeVisible({ timeout: 20_000 });
    expect(
      requests.some((r) => {
        const url = new URL(r.url());
        return url.pathname.endsWith('/sync') && url.searchParams.get('user_id') === alice.userId;
      }),
      "alice's own sync runs by identity assertion",
    ).toBe(true);

    // The preview's first transactions carry everything known of both users.
    // Issue #12 names it "a region whose name contains Transaction": exactly one such region, in any
    // letter case (the Received transactions panel is found by its heading, not as a region).
    const preview = page.getByRole('region', { name: 'Transaction' });
    await expect(preview).toHaveCount(1);
    await expect(preview).toContainText('MSC3682');
    await expect(preview).toBeVisible();
    await expect(preview.getByRole('checkbox', { name: alice.userId })).toBeChecked();
    await expect(preview).toContainText('"org.example.as"');

    // Edit and save as alice; the server has it under alice's ID.
    await inspector.open('org.example.as');
    await inspector.replaceText('org.example.as', '{"v": 2}');
    await page.keyboard.press('ControlOrMeta+s');
    await inspector
      .dialog(/^Save org\.example\.as/)
      .getByRole('button', { name: 'Confirm save' })
      .click();
    await expect
      .poll(() => asApi(alice.userId, 'GET', globalPath(alice.userId, 'org.example.as')))
      .toEqual({ v: 2 });

    // A change made elsewhere (REST, as alice) appears live, and in a later preview transaction.
    const countBefore = Number(
      /(\d+) transactions?/.exec((await preview.getByRole('status').textContent()) ?? '')?.[1],
    );
    await asApi(alice.userId, 'PUT', globalPath(alice.userId, 'org.example.live'), { live: true });
    await expect(inspector.item('org.example.live')).toBeVisible({ timeout: 20_000 });
    const newest = preview.getByRole('article').first();
    await expect(newest).toContainText('"org.example.live"');
    await expect(newest).toContainText('"org.matrix.msc3682.account_data"');
    await expect(newest).toContainText(alice.userId);
    // Only what changed: the earlier entry is not repeated.
    await expect(newest).not.toContainText('"org.example.as"');
    const newestId = Number(/Transaction (\d+)/.exec((await newest.getAttribute('aria-label')) ?? '')?.[1]);
    expect(newestId).toBeGreaterThan(countBefore);

    // A deletion made elsewhere arrives as {} content.
    await asFetch(
      alice.userId,
      'DELETE',
      `/unstable/org.matrix.msc3391/user/${enc(alice.userId)}/account_data/org.example.live`,
    );
    await expect(preview.getByRole('article').first()).toContainText(
      /"type": "org\.example\.live",\s*"content": \{\}/,
    );

    // Switching users keeps each one's draft.
    await inspector.open('org.example.as');
    await inspector.replaceText('org.example.as', '{"v": "draft of alice"}');
    await expect(inspector.item('org.example.as')).toContainText('Draft');
    await page.getByRole('radio', { name: as.senderUserId }).check();
    await expect(inspector.item('org.example.as')).toHaveCount(0);
    await page.getByRole('radio', { name: alice.userId }).check();
    await expect(inspector.item('org.example.as')).toContainText('Draft');
    await inspector.open('org.example.as');
    await expect.poll(() => inspector.editorText()).toContain('"draft of alice"');
    expect(await asApi(alice.userId, 'GET', globalPath(alice.userId, 'org.example.as'))).toEqual({ v: 2 });

    // The registration's hs_token was never kept nor sent; the as_token only in the Authorization header.
    expect(await storedText(page)).not.toContain(hsToken);
    for (const request of requests) {
      expect(request.url()).not.toContain(hsToken);
      expect(request.url()).not.toContain(as.asToken);
      expect(request.postData() ?? '').not.toContain(hsToken);
      expect(JSON.stringify(request.headers())).not.toContain(hsToken);
    }

    // Sign out forgets the service here (nothing to end at the server).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
    expect(await storedText(page)).not.toContain(as.asToken);
  });
});
