/**
 * The application service `inspector-test` against the real Synapse and the test transaction receiver
 * (scripts/homeserver.sh): real transactions as Synapse 1.160 sends them (no MSC3682 account data),
 * and identity assertion on the client API. docs/protocol.md §7
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  appservice,
  asApi,
  asFetch,
  asUser,
  carriesEvent,
  pingAppservice,
  postSyntheticTransaction,
  receiverTransactions,
  waitForTransaction,
  type TestAppservice,
} from '../test-support/appservice.ts';
import { api, createRoom, createUser } from '../test-support/synapse.ts';

const enc = encodeURIComponent;
let as: TestAppservice;

beforeAll(async () => {
  as = appservice();
  // Synapse reaches the receiver (and retries at once anything an earlier outage left queued).
  await pingAppservice(as);
});

describe('the test receiver', () => {
  it('is the registration inspector-test, exclusive over @_inspector_.*', async () => {
    const health = (await (await fetch(`${as.receiverUrl}/health`)).json()) as unknown;
    expect(health).toEqual({ ok: true, id: 'inspector-test' });
    expect(as.senderLocalpart).toBe('_inspector');
    expect(as.userRegexes).toEqual([`@_inspector_.*:${as.homeserver.serverName}`]);
  });
});

describe('real transactions from Synapse 1.160', () => {
  it('push a message in a namespaced user’s room, with events only — no account data (MSC3682 not implemented)', async () => {
    const bridged = await asUser();
    expect(bridged.userId).toMatch(/^@_inspector_user-/);
    const alice = await createUser(undefined, { prefix: 'as-alice' });
    const roomId = await createRoom(alice, { name: 'appservice room' });
    await api(alice, 'POST', `/v3/rooms/${enc(roomId)}/invite`, { user_id: bridged.userId });
    await asApi(bridged.userId, 'POST', `/v3/join/${enc(roomId)}`, {});
    // Account data for the namespaced user: what MSC3682 would push, and Synapse does not.
    await asApi(bridged.userId, 'PUT', `/v3/user/${enc(bridged.userId)}/account_data/org.example.cfg`, {
      theme: 'dark',
    });
    const { event_id: eventId } = await api<{ event_id: string }>(
      alice,
      'PUT',
      `/v3/rooms/${enc(roomId)}/send/m.room.message/t${Date.now()}`,
      { msgtype: 'm.text', body: 'hello, bridge' },
    );

    const txn = await waitForTransaction((t) => carriesEvent(t, eventId), {
      appservice: as,
      what: `the message ${eventId}`,
    });
    expect(txn.txnId).toMatch(/^\d+$/); // Synapse numbers each appservice's transactions 1, 2, 3, …
    expect(Date.now() - txn.receivedAt).toBeLessThan(60_000);
    // The whole shape Synapse 1.160 sends with receive_ephemeral false and no org.matrix.msc3202.
    expect(Object.keys(txn.body)).toEqual(['events']);
    expect(txn.body).not.toHaveProperty('org.matrix.msc3682.account_data');
    expect(txn.body).not.toHaveProperty('account_data');
    const message = (txn.body.events as Record<string, unknown>[]).find((e) => e.event_id === eventId);
    expect(message).toMatchObject({
      type: 'm.room.message',
      room_id: roomId,
      sender: alice.userId,
      content: { msgtype: 'm.text', body: 'hello, bridge' },
      event_id: eventId,
    });
    expect(typeof message?.origin_server_ts).toBe('number');

    // The membership events of the namespaced user were pushed too (the appservice is interested in
    // rooms its users are in, and in events about its users).
    const all = await receiverTransactions(as);
    const memberships = all
      .flatMap((t) => t.body.events as Record<string, unknown>[])
      .filter((e) => e.type === 'm.room.member' && e.state_key === bridged.userId && e.room_id === roomId)
      .map((e) => (e.content as { membership: string }).membership);
    expect(memberships).toEqual(expect.arrayContaining(['invite', 'join']));
    // No transaction so far has carried account data, under either name.
    for (const t of all.filter((x) => /^\d+$/.test(x.txnId))) {
      expect(t.body).not.toHaveProperty('org.matrix.msc3682.account_data');
      expect(t.body).not.toHaveProperty('account_data');
    }
  });

  it('records a synthetic MSC3682 transaction posted with the hs_token, once per txnId', async () => {
    const body = {
      events: [],
      'org.matrix.msc3682.account_data': {
        '@_inspector_synthetic:localhost': { events: [{ type: 'org.example.cfg', content: { a: 1 } }] },
      },
    };
    const txnId = await postSyntheticTransaction(body, { appservice: as });
    await postSyntheticTransaction(body, { appservice: as, txnId });
    const recorded = (await receiverTransactions(as)).filter((t) => t.txnId === txnId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.body).toEqual(body);
  });
});

describe('identity assertion (as_token + ?user_id=)', () => {
  it('reads and writes a namespaced user’s global and room account data', async () => {
    const bridged = await asUser();
    const me = bridged.userId;
    const whoami = await asApi<{ user_id: string; device_id?: string }>(me, 'GET', '/v3/account/whoami');
    expect(whoami.user_id).toBe(me);

    await asApi(me, 'PUT', `/v3/user/${enc(me)}/account_data/org.example.cfg`, { n: 1 });
    expect(await asApi(me, 'GET', `/v3/user/${enc(me)}/account_data/org.example.cfg`)).toEqual({ n: 1 });

    const { room_id: roomId } = await asApi<{ room_id: string }>(me, 'POST', '/v3/createRoom', {
      preset: 'private_chat',
    });
    await asApi(me, 'PUT', `/v3/user/${enc(me)}/rooms/${enc(roomId)}/account_data/org.example.room`, {
      r: true,
    });
    expect(
      await asApi(me, 'GET', `/v3/user/${enc(me)}/rooms/${enc(roomId)}/account_data/org.example.room`),
    ).toEqual({ r: true });

    // The device Synapse made at registration can be asserted too (device_id, spec v1.17).
    const withDevice = await asApi<{ user_id: string; device_id?: string }>(
      me,
      'GET',
      '/v3/account/whoami',
      undefined,
      { deviceId: bridged.deviceId },
    );
    expect(withDevice).toMatchObject({ user_id: me, device_id: bridged.deviceId });
  });

  it('/v3/sync as a namespaced user carries its account data', async () => {
    const bridged = await asUser();
    const me = bridged.userId;
    await asApi(me, 'PUT', `/v3/user/${enc(me)}/account_data/org.example.synced`, { v: 'one' });
    const sync = await asApi<{
      next_batch: string;
      account_data?: { events: { type: string; content: unknown }[] };
    }>(me, 'GET', '/v3/sync?timeout=0');
    expect(sync.account_data?.events).toContainEqual({ type: 'org.example.synced', content: { v: 'one' } });

    // And live: an incremental sync after a change carries just that change.
    await asApi(me, 'PUT', `/v3/user/${enc(me)}/account_data/org.example.synced`, { v: 'two' });
    const next = await asApi<{ account_data?: { events: { type: string; content: unknown }[] } }>(
      me,
      'GET',
      `/v3/sync?timeout=10000&since=${enc(sync.next_batch)}`,
    );
    expect(next.account_data?.events).toEqual([{ type: 'org.example.synced', content: { v: 'two' } }]);
  });

  it('refuses a user outside the namespace, and an unregistered one inside it, with 403 M_FORBIDDEN', async () => {
    const outsider = await createUser(undefined, { prefix: 'as-outsider' });
    const res = await asFetch(
      outsider.userId,
      'GET',
      `/v3/user/${enc(outsider.userId)}/account_data/org.example.cfg`,
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errcode: string }).errcode).toBe('M_FORBIDDEN');

    const ghost = `@_inspector_never-registered-${Date.now()}:${as.homeserver.serverName}`;
    const ghostRes = await asFetch(ghost, 'GET', '/v3/account/whoami');
    expect(ghostRes.status).toBe(403);
    expect(((await ghostRes.json()) as { errcode: string }).errcode).toBe('M_FORBIDDEN');
  });
});
