/**
 * MatrixClient account-data operations against both real Synapses: `main` (MSC3391 on) and
 * `nodelete` (MSC3391 off).
 */
import { describe, expect, it } from 'vitest';
import { ClientRefusedError, UnsupportedFeatureError } from '../src/matrix/errors.ts';
import { api, createRoom, createUser, homeserver, setTag } from '../test-support/synapse.ts';
import { clientOf } from './helpers.ts';

describe.each([
  ['main', 'DELETE'],
  ['nodelete', 'PUT_EMPTY'],
] as const)('account data on %s', (name, deleteMethod) => {
  it(`sets, reads and deletes global and room data (delete via ${deleteMethod})`, async () => {
    const user = await createUser(homeserver(name), { prefix: `ad-${name}` });
    const client = clientOf(user);
    const roomId = await createRoom(user, { name: 'AD room' });
    const content = { nested: { list: [1, 'two', null, true, 2.5] }, 'key/with/slash': 'ok' };
    const type = 'org.example.test/with slash';

    expect(await client.getAccountData({ kind: 'global' }, type)).toEqual({ status: 'absent' });
    expect(await client.setAccountData({ kind: 'global' }, type, content)).toEqual({ via: 'account-data' });
    expect(await client.getAccountData({ kind: 'global' }, type)).toEqual({ status: 'content', content });
    await client.setAccountData({ kind: 'room', roomId }, type, { r: 1 });
    expect(await client.getAccountData({ kind: 'room', roomId }, type)).toEqual({
      status: 'content',
      content: { r: 1 },
    });

    expect(await client.deleteAccountData({ kind: 'global' }, type)).toEqual({ method: deleteMethod });
    expect(await client.deleteAccountData({ kind: 'room', roomId }, type)).toEqual({ method: deleteMethod });
    // MSC3391 on: GET → 404; off: GET → 200 {}. Both read as absent (docs/protocol.md §3).
    expect(await client.getAccountData({ kind: 'global' }, type)).toEqual({ status: 'absent' });
    expect(await client.getAccountData({ kind: 'room', roomId }, type)).toEqual({ status: 'absent' });
  });

  it('routes room m.tag through the tags API and reads it back', async () => {
    const user = await createUser(homeserver(name), { prefix: `tag-${name}` });
    const client = clientOf(user);
    const roomId = await createRoom(user);
    await setTag(user, roomId, 'm.lowpriority');
    const result = await client.setAccountData({ kind: 'room', roomId }, 'm.tag', {
      tags: { 'm.favourite': { order: 0.25 }, 'u.work': {} },
    });
    expect(result).toEqual({ via: 'tags', put: ['m.favourite', 'u.work'], deleted: ['m.lowpriority'] });
    expect(await client.getAccountData({ kind: 'room', roomId }, 'm.tag')).toEqual({
      status: 'content',
      content: { tags: { 'm.favourite': { order: 0.25 }, 'u.work': {} } },
    });
    // No shadow m.tag row was written through the account-data endpoint (docs/protocol.md §2).
    const raw = await fetch(
      `${user.homeserver.baseUrl}/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/m.tag`,
      { headers: { Authorization: `Bearer ${user.accessToken}` } },
    );
    expect(raw.status).toBe(404);
    expect(await client.deleteAccountData({ kind: 'room', roomId }, 'm.tag')).toEqual({
      method: 'TAGS',
      deleted: ['m.favourite', 'u.work'],
    });
    expect(await client.getAccountData({ kind: 'room', roomId }, 'm.tag')).toEqual({ status: 'absent' });
  });
});

describe('server-managed types, devices, backup (main)', () => {
  it('refuses m.push_rules and m.fully_read client-side but reads the synthesized push rules', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'sm' });
    const client = clientOf(user);
    await expect(
      client.setAccountData({ kind: 'global' }, 'm.push_rules', { global: {} }),
    ).rejects.toBeInstanceOf(ClientRefusedError);
    await expect(
      client.deleteAccountData({ kind: 'room', roomId: '!x:localhost' }, 'm.fully_read'),
    ).rejects.toBeInstanceOf(ClientRefusedError);
    const rules = await client.getAccountData({ kind: 'global' }, 'm.push_rules');
    expect(rules.status).toBe('content');
    expect(rules.status === 'content' ? Object.keys(rules.content) : []).toEqual(['global']);
  });

  it('reports MSC4331 device data as unsupported, not absent', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'dev' });
    const client = clientOf(user);
    expect(
      await client.getAccountData({ kind: 'device', deviceId: user.deviceId }, 'org.example.d'),
    ).toMatchObject({
      status: 'unsupported',
      feature: 'MSC4331',
    });
    await expect(
      client.setAccountData({ kind: 'device', deviceId: user.deviceId }, 'org.example.d', { a: 1 }),
    ).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(await client.supportsDeviceAccountData()).toBe(false);
  });

  it('lists devices and joined rooms, and reports no key backup as null', async () => {
    const user = await createUser(homeserver('main'), { prefix: 'misc' });
    const client = clientOf(user);
    const roomId = await createRoom(user);
    expect((await client.getDevices()).map((d) => d.device_id)).toContain(user.deviceId);
    expect(await client.getJoinedRooms()).toEqual([roomId]);
    expect(await client.getKeyBackupVersion()).toBeNull();
    await api(user, 'POST', '/v3/room_keys/version', {
      algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
      auth_data: { public_key: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' },
    });
    expect(await client.getKeyBackupVersion()).toMatchObject({ version: '1', count: 0 });
  });
});
