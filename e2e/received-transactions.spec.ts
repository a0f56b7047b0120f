/**
 * The "Received transactions" panel (issue #12) against the real Synapse and the test receiver: the
 * test Synapse registers the receiver (registration `inspector-test`, url http://127.0.0.1:9010) as an
 * application service, so a message in a namespaced user's room makes Synapse PUT a real transaction
 * to it — without account data, as Synapse 1.160 sends none. MSC3682 itself no server we can run
 * implements, so its transactions are synthetic: PUT to the receiver with the hs_token, as a server
 * would (named so in the test titles).
 *
 * The registration, its tokens and the receiver come from test-support/appservice.ts
 * (`.cache/homeserver.env`, written by `scripts/homeserver.sh up`).
 */
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { axeViolations } from './axe.ts';
import { SignInPage } from './pages.ts';
import { api, createRoom, type Homeserver, type TestUser } from '../test-support/synapse.ts';
import {
  appservice,
  asApi,
  asUser,
  carriesEvent,
  namespacedLocalpart,
  postSyntheticTransaction,
  waitForTransaction,
  type TestAppservice,
} from '../test-support/appservice.ts';

const NO_ACCOUNT_DATA = 'this server sends no account data (MSC3682 not supported)';
const UNSTABLE = 'org.matrix.msc3682.account_data';
const STABLE = 'account_data';

/** A user ID inside the test namespace `@_inspector_.*:<server>` (not registered: account data only). */
const namespacedUserId = (as: TestAppservice, prefix: string) =>
  `@${namespacedLocalpart(as, prefix)}:${as.homeserver.serverName}`;

/** Signs in as the test application service (helper G's names, issue #12) and connects the panel. */
async function openPanel(page: Page, hs: Homeserver, as: TestAppservice): Promise<Locator> {
  await new SignInPage(page).chooseServer(hs.baseUrl);
  await page.getByRole('button', { name: 'Sign in as an application service' }).click();
  await page.getByRole('textbox', { name: 'Registration YAML' }).fill(as.registrationYaml);
  await page.getByRole('button', { name: 'Sign in as application service' }).click();
  const panel = page.locator('section', {
    has: page.getByRole('heading', { name: 'Received transactions', exact: true }),
  });
  await expect(panel).toBeVisible({ timeout: 20_000 });
  await panel.getByRole('textbox', { name: 'Receiver URL' }).fill(as.receiverUrl);
  await panel.getByRole('button', { name: 'Connect', exact: true }).click();
  await expectConnected(panel, as);
  return panel;
}

const expectConnected = (panel: Locator, as: TestAppservice) =>
  expect(panel.getByRole('status', { name: 'Receiver connection' })).toHaveText(
    `Connected to ${as.receiverUrl}.`,
  );

const transaction = (panel: Locator, txnId: string) =>
  panel.getByRole('article', { name: `Transaction ${txnId}`, exact: true });

test.describe('received transactions panel (#12)', () => {
  test('a real Synapse transaction appears, without account data', async ({ page, hs, user }) => {
    const as = appservice(hs);
    const panel = await openPanel(page, hs, as);

    // A namespaced user joins a room; another user's message there is pushed to the appservice.
    const bridged = await asUser(namespacedLocalpart(as, 'room'), as);
    const roomId = await createRoom(user, { name: 'Bridged room' });
    const room = encodeURIComponent(roomId);
    await api(user, 'POST', `/v3/rooms/${room}/invite`, { user_id: bridged.userId });
    await asApi(bridged.userId, 'POST', `/v3/join/${room}`, {}, { appservice: as });
    const { event_id } = await sendMessage(user, roomId, 'hello, bridge');

    const { txnId } = await waitForTransaction((txn) => carriesEvent(txn, event_id), {
      appservice: as,
      timeoutMs: 20_000,
      what: `a transaction carrying ${event_id}`,
    });
    const item = transaction(panel, txnId);
    await expect(item).toBeVisible();
    await expect(item).toContainText(/Received (just now|\d+ minutes? ago) · \d+ events?/);
    await expect(item.getByText(NO_ACCOUNT_DATA, { exact: true })).toBeVisible();
    expect(await axeViolations(page), 'the received transactions page').toEqual([]);
  });

  test('account data per user from an MSC3682 transaction (synthetic MSC3682 transaction)', async ({
    page,
    hs,
  }) => {
    const as = appservice(hs);
    const panel = await openPanel(page, hs, as);
    const alice = namespacedUserId(as, 'alice');
    const bob = namespacedUserId(as, 'bob');
    const unique = randomBytes(4).toString('hex');

    // As the contract's transaction preview carries it: both field names, the same data.
    const accountData = {
      [alice]: {
        events: [
          { type: 'm.direct', content: { [bob]: ['!dm:localhost'] } },
          { type: 'im.vector.setting.breadcrumbs', content: { recent_rooms: [] } },
        ],
      },
      [bob]: { events: [{ type: 'org.example.deleted', content: {} }] },
    };
    const bothBody = { events: [], [UNSTABLE]: accountData, [STABLE]: accountData };
    const both = await postSyntheticTransaction(bothBody, {
      txnId: `synthetic-msc3682-${unique}`,
      appservice: as,
    });
    const first = transaction(panel, both);
    await expect(first).toBeVisible();
    await expect(first).toContainText('0 events');
    await expect(first.getByText(NO_ACCOUNT_DATA)).toHaveCount(0);
    const users = first.getByRole('list', { name: `Account data in transaction ${both}` });
    await expect(users.getByRole('heading', { level: 4 })).toHaveText([
      `${alice} 2 entries in ${UNSTABLE}`,
      `${bob} 1 entry in ${UNSTABLE}`,
    ]);
    const aliceEntries = users.getByRole('list', { name: `Account data of ${alice}` });
    await expect(aliceEntries.locator('summary')).toHaveText(['m.direct', 'im.vector.setting.breadcrumbs']);
    await expect(aliceEntries.locator('pre').first()).toHaveText(
      JSON.stringify({ [bob]: ['!dm:localhost'] }, null, 2),
    );
    await expect(users.getByRole('list', { name: `Account data of ${bob}` }).locator('summary')).toHaveText(
      /org\.example\.deleted\s*Deleted/,
    );

    // Live, and under the stable name only: newest first, naming the field.
    const stableOnly = await postSyntheticTransaction(
      { events: [], [STABLE]: { [alice]: { events: [{ type: 'm.push_rules', content: { global: {} } }] } } },
      { txnId: `synthetic-msc3682-stable-${unique}`, appservice: as },
    );
    const second = transaction(panel, stableOnly);
    await expect(second).toBeVisible();
    await expect(second.getByRole('heading', { level: 4 })).toHaveText(`${alice} 1 entry in ${STABLE}`);
    const order = await panel
      .getByRole('article')
      .evaluateAll((articles) => articles.map((a) => a.querySelector('h3')?.textContent ?? ''));
    expect(order.indexOf(`Transaction ${stableOnly}`)).toBeLessThan(order.indexOf(`Transaction ${both}`));

    // A homeserver retrying a txnId, then a reconnect (the receiver replays everything): each once.
    await postSyntheticTransaction(bothBody, { txnId: both, appservice: as });
    await panel.getByRole('button', { name: 'Connect', exact: true }).click();
    await expectConnected(panel, as);
    await expect(transaction(panel, stableOnly)).toBeVisible();
    await expect(transaction(panel, both)).toHaveCount(1);
  });
});

async function sendMessage(user: TestUser, roomId: string, body: string): Promise<{ event_id: string }> {
  const txn = `m${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  return api<{ event_id: string }>(
    user,
    'PUT',
    `/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`,
    { msgtype: 'm.text', body },
  );
}
