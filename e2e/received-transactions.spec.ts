/**
 * The "Received transactions" panel (issue #12) against the real Synapse and the test receiver: the
 * test Synapse registers the receiver (registration `inspector-test`, url http://127.0.0.1:9010) as an
 * application service, so a message in a namespaced user's room makes Synapse PUT a real transaction
 * to it — without account data, as Synapse 1.160 sends none. MSC3682 itself no server we can run
 * implements, so its transactions are synthetic: PUT to the receiver with the hs_token, as a server
 * would (named so in the test titles).
 *
 * The registration's tokens come from `.cache/homeserver.env` (AS_TOKEN, HS_TOKEN, AS_REGISTRATION),
 * written by `scripts/homeserver.sh up`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { SignInPage } from './pages.ts';
import { api, createRoom, type Homeserver, type TestUser } from '../test-support/synapse.ts';

const RECEIVER_URL = process.env.AS_RECEIVER_URL ?? 'http://127.0.0.1:9010';
const NO_ACCOUNT_DATA = 'this server sends no account data (MSC3682 not supported)';
const UNSTABLE = 'org.matrix.msc3682.account_data';
const STABLE = 'account_data';

type AppserviceEnv = { asToken: string; hsToken: string; registrationYaml: string };

/** The test registration's tokens and YAML, from `.cache/homeserver.env`. */
function appserviceEnv(): AppserviceEnv {
  const file = path.resolve(import.meta.dirname, '..', '.cache', 'homeserver.env');
  const env: Record<string, string | undefined> = { ...process.env };
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined && m[2] !== undefined) env[m[1]] ??= m[2];
    }
  }
  const { AS_TOKEN, HS_TOKEN, AS_REGISTRATION } = env;
  if (!AS_TOKEN || !HS_TOKEN || !AS_REGISTRATION || !existsSync(AS_REGISTRATION)) {
    throw new Error(
      `The test appservice is not configured (AS_TOKEN, HS_TOKEN, AS_REGISTRATION in ${file}): run \`npm run homeserver -- up\`.`,
    );
  }
  return { asToken: AS_TOKEN, hsToken: HS_TOKEN, registrationYaml: readFileSync(AS_REGISTRATION, 'utf8') };
}

/** A fresh user ID inside the test namespace `@_inspector_.*:<server>`. */
const namespacedUserId = (hs: Homeserver, what: string) =>
  `@_inspector_${what}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}:${hs.serverName}`;

/** The appservice acting as `userId` (identity assertion), for `api()`. */
function asUser(hs: Homeserver, env: AppserviceEnv, userId: string) {
  const who = { homeserver: hs, accessToken: env.asToken };
  const q = `user_id=${encodeURIComponent(userId)}`;
  return {
    userId,
    call: <T>(method: string, p: string, body?: unknown) =>
      api<T>(who, method, `${p}${p.includes('?') ? '&' : '?'}${q}`, body),
  };
}

/** Registers a namespaced user through the appservice (`m.login.application_service`). */
async function registerNamespacedUser(hs: Homeserver, env: AppserviceEnv, what: string): Promise<string> {
  const localpart = namespacedUserId(hs, what).slice(1).split(':')[0] ?? '';
  const { user_id } = await api<{ user_id: string }>(
    { homeserver: hs, accessToken: env.asToken },
    'POST',
    '/v3/register',
    { type: 'm.login.application_service', username: localpart, inhibit_login: true },
  );
  return user_id;
}

type ReceivedRecord = { txnId: string; receivedAt: number; body: { events?: { event_id?: string }[] } };

/** Waits until the receiver has recorded a transaction carrying `eventId`; returns its txnId. */
async function waitForTransactionWith(eventId: string): Promise<string> {
  let txnId: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${RECEIVER_URL}/transactions`);
        const records = (await res.json()) as ReceivedRecord[];
        txnId = records.find((r) => r.body.events?.some((e) => e.event_id === eventId))?.txnId;
        return txnId;
      },
      { message: `a transaction carrying ${eventId} at ${RECEIVER_URL}`, timeout: 20_000 },
    )
    .toBeTruthy();
  return txnId ?? '';
}

/** PUTs a transaction to the receiver as a homeserver would. */
async function pushTransaction(env: AppserviceEnv, txnId: string, body: object): Promise<void> {
  const res = await fetch(`${RECEIVER_URL}/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${env.hsToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.json()).toEqual({});
}

/** Signs in as the test application service (helper G's names, issue #12) and connects the panel. */
async function openPanel(page: Page, hs: Homeserver, env: AppserviceEnv): Promise<Locator> {
  await new SignInPage(page).chooseServer(hs.baseUrl);
  await page.getByRole('button', { name: 'Sign in as an application service' }).click();
  await page.getByRole('textbox', { name: 'Registration YAML' }).fill(env.registrationYaml);
  await page.getByRole('button', { name: 'Sign in as application service' }).click();
  const panel = page.getByRole('region', { name: 'Received transactions', exact: true });
  await expect(panel).toBeVisible({ timeout: 20_000 });
  await panel.getByRole('textbox', { name: 'Receiver URL' }).fill(RECEIVER_URL);
  await panel.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(panel.getByRole('status', { name: 'Receiver connection' })).toHaveText(
    `Connected to ${RECEIVER_URL}.`,
  );
  return panel;
}

const transaction = (panel: Locator, txnId: string) =>
  panel.getByRole('article', { name: `Transaction ${txnId}`, exact: true });

test.describe('received transactions panel (#12)', () => {
  test('a real Synapse transaction appears, without account data', async ({ page, hs, user }) => {
    const env = appserviceEnv();
    const panel = await openPanel(page, hs, env);

    // A namespaced user joins a room; another user's message there is pushed to the appservice.
    const bridged = asUser(hs, env, await registerNamespacedUser(hs, env, 'room'));
    const roomId = await createRoom(user, { name: 'Bridged room' });
    await api(user, 'POST', `/v3/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: bridged.userId });
    await bridged.call('POST', `/v3/join/${encodeURIComponent(roomId)}`, {});
    const { event_id } = await sendMessage(user, roomId, 'hello, bridge');

    const txnId = await waitForTransactionWith(event_id);
    const item = transaction(panel, txnId);
    await expect(item).toBeVisible();
    await expect(item).toContainText(/Received (just now|\d+ minutes? ago) · \d+ events?/);
    await expect(item.getByText(NO_ACCOUNT_DATA, { exact: true })).toBeVisible();
  });

  test('account data per user from an MSC3682 transaction (synthetic MSC3682 transaction)', async ({
    page,
    hs,
  }) => {
    const env = appserviceEnv();
    const panel = await openPanel(page, hs, env);
    const alice = namespacedUserId(hs, 'alice');
    const bob = namespacedUserId(hs, 'bob');
    const unique = randomBytes(4).toString('hex');
    const both = `synthetic-msc3682-${unique}`;
    const stableOnly = `synthetic-msc3682-stable-${unique}`;

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
    await pushTransaction(env, both, { events: [], [UNSTABLE]: accountData, [STABLE]: accountData });
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
    await pushTransaction(env, stableOnly, {
      events: [],
      [STABLE]: { [alice]: { events: [{ type: 'm.push_rules', content: { global: {} } }] } },
    });
    const second = transaction(panel, stableOnly);
    await expect(second).toBeVisible();
    await expect(second.getByRole('heading', { level: 4 })).toHaveText(`${alice} 1 entry in ${STABLE}`);
    const order = await panel
      .getByRole('article')
      .evaluateAll((articles) => articles.map((a) => a.querySelector('h3')?.textContent ?? ''));
    expect(order.indexOf(`Transaction ${stableOnly}`)).toBeLessThan(order.indexOf(`Transaction ${both}`));

    // A homeserver retrying a txnId, then a reconnect (the receiver replays everything): each once.
    await pushTransaction(env, both, { events: [], [UNSTABLE]: accountData, [STABLE]: accountData });
    await panel.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(panel.getByRole('status', { name: 'Receiver connection' })).toHaveText(
      `Connected to ${RECEIVER_URL}.`,
    );
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
