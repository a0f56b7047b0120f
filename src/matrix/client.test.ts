import { describe, expect, it, vi } from 'vitest';
import { AppserviceAuthorization } from './authorization.ts';
import { MatrixClient } from './client.ts';
import { ClientRefusedError, MatrixApiError, UnsupportedFeatureError } from './errors.ts';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';
import type { Session } from './types.ts';

const USER = '@alice:hs.example';
const U = encodeURIComponent(USER);
const ROOM = '!room:hs.example';
const R = encodeURIComponent(ROOM);

const session: Session = {
  baseUrl: 'https://hs.example',
  userId: USER,
  deviceId: 'DEV',
  accessToken: 'at-1',
  authApi: 'legacy',
  loginMethod: 'password',
};

function setup(s: Session = session, options: ConstructorParameters<typeof MatrixClient>[1] = {}) {
  const fake = new ScriptedFetch();
  const client = new MatrixClient(s, { fetch: fake.fetch, ...options });
  return { fake, client };
}

const versions = (msc3391: boolean) =>
  json(200, { versions: ['v1.12'], unstable_features: { 'org.matrix.msc3391': msc3391 } });

describe('getAccountData', () => {
  it('returns content, and reports 404 M_NOT_FOUND and {} as absent', async () => {
    const { fake, client } = setup();
    fake.on('GET', `/_matrix/client/v3/user/${U}/account_data/m.direct`, json(200, { '@b:x': ['!r:x'] }));
    fake.on('GET', `/_matrix/client/v3/user/${U}/account_data/org.gone`, matrixError(404, 'M_NOT_FOUND'));
    fake.on('GET', `/_matrix/client/v3/user/${U}/rooms/${R}/account_data/org.empty`, json(200, {}));
    expect(await client.getAccountData({ kind: 'global' }, 'm.direct')).toEqual({
      status: 'content',
      content: { '@b:x': ['!r:x'] },
    });
    expect(await client.getAccountData({ kind: 'global' }, 'org.gone')).toEqual({ status: 'absent' });
    expect(await client.getAccountData({ kind: 'room', roomId: ROOM }, 'org.empty')).toEqual({
      status: 'absent',
    });
  });

  it('encodes slashes in types and reads room m.tag from the tags API', async () => {
    const { fake, client } = setup();
    fake.on('GET', `/_matrix/client/v3/user/${U}/account_data/a%2Fb`, json(200, { v: 1 }));
    fake.on(
      'GET',
      `/_matrix/client/v3/user/${U}/rooms/${R}/tags`,
      json(200, { tags: { 'm.favourite': { order: 0.5 } } }),
    );
    expect((await client.getAccountData({ kind: 'global' }, 'a/b')).status).toBe('content');
    expect(await client.getAccountData({ kind: 'room', roomId: ROOM }, 'm.tag')).toEqual({
      status: 'content',
      content: { tags: { 'm.favourite': { order: 0.5 } } },
    });
  });

  it('rethrows other errors', async () => {
    const { fake, client } = setup();
    fake.on('GET', undefined, matrixError(403, 'M_FORBIDDEN'));
    await expect(client.getAccountData({ kind: 'global' }, 'x')).rejects.toBeInstanceOf(MatrixApiError);
  });
});

describe('validation refuses before any request', () => {
  it.each([
    ['empty type', { kind: 'global' } as const, '', {}],
    ['array content', { kind: 'global' } as const, 'org.x', [1, 2]],
    ['null content', { kind: 'global' } as const, 'org.x', null],
    ['string content', { kind: 'global' } as const, 'org.x', 'hello'],
    ['number content', { kind: 'global' } as const, 'org.x', 42],
    ['NaN inside', { kind: 'global' } as const, 'org.x', { n: Number.NaN }],
    ['undefined inside', { kind: 'global' } as const, 'org.x', { n: undefined }],
    ['class instance', { kind: 'global' } as const, 'org.x', new Date()],
    ['m.push_rules', { kind: 'global' } as const, 'm.push_rules', { global: {} }],
    ['m.fully_read', { kind: 'room', roomId: ROOM } as const, 'm.fully_read', { event_id: '$e' }],
    ['empty room id', { kind: 'room', roomId: '' } as const, 'org.x', {}],
    ['m.tag with extra keys', { kind: 'room', roomId: ROOM } as const, 'm.tag', { tags: {}, other: 1 }],
    [
      'm.tag with bad order',
      { kind: 'room', roomId: ROOM } as const,
      'm.tag',
      { tags: { a: { order: 'x' } } },
    ],
  ])('%s', async (_name, scope, type, content) => {
    const { fake, client } = setup();
    await expect(client.setAccountData(scope, type, content)).rejects.toBeInstanceOf(ClientRefusedError);
    expect(fake.requests).toHaveLength(0);
  });

  it('names the API to use for server-managed types', async () => {
    const { fake, client } = setup();
    await expect(client.setAccountData({ kind: 'global' }, 'm.push_rules', {})).rejects.toThrow(
      /\/pushrules/,
    );
    await expect(client.deleteAccountData({ kind: 'room', roomId: ROOM }, 'm.fully_read')).rejects.toThrow(
      /read_markers/,
    );
    await expect(client.deleteAccountData({ kind: 'global' }, '')).rejects.toMatchObject({
      code: 'empty-type',
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('setAccountData', () => {
  it('PUTs the content unchanged to the global and room endpoints', async () => {
    const { fake, client } = setup();
    fake.on('PUT', undefined, json(200, {}), 2);
    const content = { nested: { list: [1, 'two', null, true] }, 'key with space': 1 };
    expect(await client.setAccountData({ kind: 'global' }, 'org.x', content)).toEqual({
      via: 'account-data',
    });
    await client.setAccountData({ kind: 'room', roomId: ROOM }, 'org.y', content);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /_matrix/client/v3/user/${U}/account_data/org.x`,
      `PUT /_matrix/client/v3/user/${U}/rooms/${R}/account_data/org.y`,
    ]);
    expect(fake.requests[0]?.body).toEqual(content);
  });

  it('diffs room m.tag against the server and uses the tags API', async () => {
    const { fake, client } = setup();
    fake.on(
      'GET',
      `/_matrix/client/v3/user/${U}/rooms/${R}/tags`,
      json(200, { tags: { 'm.lowpriority': {}, 'u.keep': { order: 0.1 }, 'u.change': { order: 0.1 } } }),
    );
    fake.on(undefined, `/_matrix/client/v3/user/${U}/rooms/${R}/tags/*`, json(200, {}), 3);
    const result = await client.setAccountData({ kind: 'room', roomId: ROOM }, 'm.tag', {
      tags: { 'u.keep': { order: 0.1 }, 'u.change': { order: 0.9 }, 'm.favourite': {} },
    });
    expect(result).toEqual({ via: 'tags', put: ['u.change', 'm.favourite'], deleted: ['m.lowpriority'] });
    expect(
      fake.requests.slice(1).map((r) => `${r.method} ${decodeURIComponent(r.path.split('/tags/')[1] ?? '')}`),
    ).toEqual(['PUT u.change', 'PUT m.favourite', 'DELETE m.lowpriority']);
    expect(fake.requests[1]?.body).toEqual({ order: 0.9 });
    expect(fake.requestsTo(/account_data/)).toHaveLength(0);
  });
});

describe('deleteAccountData', () => {
  it('uses the MSC3391 unstable DELETE when /versions advertises it', async () => {
    const { fake, client } = setup();
    fake.on('GET', '/_matrix/client/versions', versions(true));
    fake.on('DELETE', undefined, json(200, {}), 2);
    expect(await client.deleteAccountData({ kind: 'global' }, 'org.x')).toEqual({ method: 'DELETE' });
    expect(await client.deleteAccountData({ kind: 'room', roomId: ROOM }, 'org.y')).toEqual({
      method: 'DELETE',
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /_matrix/client/versions',
      `DELETE /_matrix/client/unstable/org.matrix.msc3391/user/${U}/account_data/org.x`,
      `DELETE /_matrix/client/unstable/org.matrix.msc3391/user/${U}/rooms/${R}/account_data/org.y`,
    ]);
    // /versions was read with the token (per-user overrides) and cached.
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer at-1');
  });

  it('falls back to PUT {} without MSC3391', async () => {
    const { fake, client } = setup();
    fake.on('GET', '/_matrix/client/versions', versions(false));
    fake.on('PUT', undefined, json(200, {}));
    expect(await client.deleteAccountData({ kind: 'global' }, 'org.x')).toEqual({ method: 'PUT_EMPTY' });
    expect(fake.requests[1]).toMatchObject({ method: 'PUT', body: {} });
    expect(fake.requestsTo(/msc3391/)).toHaveLength(0);
  });

  it('falls back to PUT {} when the advertised DELETE route is missing', async () => {
    const { fake, client } = setup();
    fake.on('GET', '/_matrix/client/versions', versions(true));
    fake.on('DELETE', undefined, matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
    fake.on('PUT', undefined, json(200, {}));
    expect(await client.deleteAccountData({ kind: 'global' }, 'org.x')).toEqual({ method: 'PUT_EMPTY' });
  });

  it('removes every tag for room m.tag', async () => {
    const { fake, client } = setup();
    fake.on('GET', `/_matrix/client/v3/user/${U}/rooms/${R}/tags`, json(200, { tags: { a: {}, b: {} } }));
    fake.on('DELETE', undefined, json(200, {}), 2);
    expect(await client.deleteAccountData({ kind: 'room', roomId: ROOM }, 'm.tag')).toEqual({
      method: 'TAGS',
      deleted: ['a', 'b'],
    });
  });
});

describe('device scope (MSC4331)', () => {
  const stable = (t: string) => `/_matrix/client/v3/user/${U}/devices/DEV/account_data/${t}`;
  const unstable = (t: string) => `/_matrix/client/v3/user/${U}/devices/DEV/net.zemos.account_data/${t}`;

  it('reports unsupported (not absent) when both paths are unrecognised, then stops probing', async () => {
    const { fake, client } = setup();
    fake.on('GET', stable('org.x'), matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
    fake.on('GET', unstable('org.x'), matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
    const result = await client.getAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.x');
    expect(result).toMatchObject({ status: 'unsupported', feature: 'MSC4331' });
    expect(fake.requests).toHaveLength(2);
    expect((await client.getAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.y')).status).toBe(
      'unsupported',
    );
    await expect(
      client.setAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.y', { a: 1 }),
    ).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(fake.requests).toHaveLength(2);
  });

  it('distinguishes absent (M_NOT_FOUND) from unsupported and remembers the working path', async () => {
    const { fake, client } = setup();
    fake.on('GET', stable('org.x'), matrixError(404, 'M_UNRECOGNIZED'));
    fake.on('GET', unstable('org.x'), matrixError(404, 'M_NOT_FOUND'));
    fake.on('PUT', unstable('org.x'), json(200, {}));
    expect(await client.getAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.x')).toEqual({
      status: 'absent',
    });
    expect(await client.setAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.x', { a: 1 })).toEqual({
      via: 'device',
      path: 'unstable',
    });
    expect(fake.requestsTo(stable('org.x'))).toHaveLength(1);
  });
});

describe('device scope of another device (MSC4331: only the owner writes)', () => {
  const other = { kind: 'device', deviceId: 'OTHER' } as const;

  it('refuses setAccountData and deleteAccountData before any request, with code other-device', async () => {
    const { fake, client } = setup();
    fake.fallback = json(200, {});
    const set = client.setAccountData(other, 'org.x', { a: 1 });
    await expect(set).rejects.toBeInstanceOf(ClientRefusedError);
    await expect(set).rejects.toMatchObject({
      code: 'other-device',
      message: expect.stringContaining('Only device OTHER can change its own account data') as unknown,
    });
    await expect(client.deleteAccountData(other, 'org.x')).rejects.toMatchObject({ code: 'other-device' });
    expect(fake.requests).toHaveLength(0);
  });

  it('still writes the own device’s data', async () => {
    const { fake, client } = setup();
    const own = `/_matrix/client/v3/user/${U}/devices/DEV/account_data/org.x`;
    fake.on('PUT', own, json(200, {}), 2);
    expect(await client.setAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.x', { a: 1 })).toEqual({
      via: 'device',
      path: 'stable',
    });
    expect(await client.deleteAccountData({ kind: 'device', deviceId: 'DEV' }, 'org.x')).toEqual({
      method: 'PUT_EMPTY',
    });
    expect(fake.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', own, { a: 1 }],
      ['PUT', own, {}],
    ]);
  });
});

describe('token refresh', () => {
  const refreshable: Session = { ...session, refreshToken: 'rt-1', expiresAt: 10_000_000 };

  it('refreshes on 401 soft_logout:true and retries with the new token', async () => {
    const onSessionChanged = vi.fn();
    const { fake, client } = setup(refreshable, { onSessionChanged, now: () => 0 });
    fake.on(
      'GET',
      '/_matrix/client/v3/joined_rooms',
      matrixError(401, 'M_UNKNOWN_TOKEN', 'expired', { soft_logout: true }),
    );
    fake.on(
      'POST',
      '/_matrix/client/v3/refresh',
      json(200, { access_token: 'at-2', refresh_token: 'rt-2', expires_in_ms: 60_000_000 }),
    );
    fake.on('GET', '/_matrix/client/v3/joined_rooms', json(200, { joined_rooms: ['!a:x'] }));
    expect(await client.getJoinedRooms()).toEqual(['!a:x']);
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer at-1',
      undefined,
      'Bearer at-2',
    ]);
    expect(onSessionChanged).toHaveBeenCalledWith(
      expect.objectContaining({ accessToken: 'at-2', refreshToken: 'rt-2' }),
    );
    expect(client.session.accessToken).toBe('at-2');
  });

  it('refreshes ahead of expiry', async () => {
    const { fake, client } = setup({ ...refreshable, expiresAt: 1_000 }, { now: () => 990 });
    fake.on('POST', '/_matrix/client/v3/refresh', json(200, { access_token: 'at-2' }));
    fake.on('GET', '/_matrix/client/v3/devices', json(200, { devices: [{ device_id: 'DEV' }] }));
    expect(await client.getDevices()).toEqual([{ device_id: 'DEV' }]);
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/_matrix/client/v3/refresh',
      '/_matrix/client/v3/devices',
    ]);
    expect(client.session.refreshToken).toBe('rt-1');
  });

  it('reports a hard logout (soft_logout:false) without refreshing', async () => {
    const onSessionExpired = vi.fn();
    const { fake, client } = setup(refreshable, { onSessionExpired, now: () => 0 });
    fake.on('GET', undefined, matrixError(401, 'M_UNKNOWN_TOKEN', 'gone', { soft_logout: false }));
    await expect(client.whoami()).rejects.toBeInstanceOf(MatrixApiError);
    expect(onSessionExpired).toHaveBeenCalledWith(expect.objectContaining({ softLogout: false }));
    expect(client.isExpired).toBe(true);
    expect(fake.requestsTo('/_matrix/client/v3/refresh')).toHaveLength(0);
  });

  it('reports a soft logout when the refresh is refused', async () => {
    const onSessionExpired = vi.fn();
    const { fake, client } = setup(refreshable, { onSessionExpired, now: () => 0 });
    fake.on('GET', undefined, matrixError(401, 'M_UNKNOWN_TOKEN', 'expired', { soft_logout: true }));
    fake.on('POST', '/_matrix/client/v3/refresh', matrixError(403, 'M_FORBIDDEN'));
    await expect(client.whoami()).rejects.toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
    expect(onSessionExpired).toHaveBeenCalledWith(expect.objectContaining({ softLogout: true }));
  });

  it('shares one refresh between concurrent requests', async () => {
    const { fake, client } = setup({ ...refreshable, expiresAt: 1 }, { now: () => 0 });
    fake.on('POST', '/_matrix/client/v3/refresh', json(200, { access_token: 'at-2' }));
    fake.on('GET', '/_matrix/client/v3/joined_rooms', json(200, { joined_rooms: [] }), 3);
    await Promise.all([client.getJoinedRooms(), client.getJoinedRooms(), client.getJoinedRooms()]);
    expect(fake.requestsTo('/_matrix/client/v3/refresh')).toHaveLength(1);
  });
});

describe('other reads', () => {
  it('returns null when there is no key backup', async () => {
    const { fake, client } = setup();
    fake.on(
      'GET',
      '/_matrix/client/v3/room_keys/version',
      matrixError(404, 'M_NOT_FOUND', 'No backup found'),
    );
    fake.on(
      'GET',
      '/_matrix/client/v3/room_keys/version',
      json(200, {
        algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
        auth_data: {},
        count: 3,
        etag: '7',
        version: '2',
      }),
    );
    expect(await client.getKeyBackupVersion()).toBeNull();
    expect(await client.getKeyBackupVersion()).toMatchObject({ version: '2', count: 3 });
  });

  it('caches /versions until asked to refresh', async () => {
    const { fake, client } = setup();
    fake.on('GET', '/_matrix/client/versions', versions(false), 2);
    await client.getVersions();
    await client.getVersions();
    await client.getVersions({ refresh: true });
    expect(fake.requestsTo('/_matrix/client/versions')).toHaveLength(2);
  });

  it('issue #7: a caller that aborts (StrictMode’s first mount) does not reject the shared /versions and capabilities for the next caller', async () => {
    const { fake, client } = setup();
    fake.on('GET', '/_matrix/client/versions', versions(true));
    fake.on('GET', '/_matrix/client/v3/login', json(200, { flows: [{ type: 'm.login.password' }] }));
    fake.on('GET', '/_matrix/client/v1/auth_metadata', matrixError(404, 'M_UNRECOGNIZED'));
    fake.on(
      'GET',
      '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata',
      matrixError(404, 'M_UNRECOGNIZED'),
    );
    const first = new AbortController();
    const aborted = client.getCapabilities({ signal: first.signal });
    // StrictMode: the first mount's cleanup aborts, and the second mount asks again in the same tick.
    first.abort();
    const second = client.getCapabilities({ signal: new AbortController().signal });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const capabilities = await second;
    expect(capabilities.accountDataDelete).toBe(true);
    expect((await client.getVersions()).unstable_features).toEqual({ 'org.matrix.msc3391': true });
    // The shared probes were sent without the first caller's signal, once each.
    expect(fake.requestsTo('/_matrix/client/versions')).toHaveLength(1);
    expect(fake.requestsTo('/_matrix/client/versions')[0]?.signal?.aborted).toBe(false);
  });
});

describe('MatrixClient.forAuthorization (an application service acting for a user)', () => {
  it('sends the as_token with user_id, has no device, nothing to refresh and nothing to end at the server', async () => {
    const fake = new ScriptedFetch();
    const service = new AppserviceAuthorization({ asToken: 'as-token', userId: '@_bridge:hs.example' });
    const client = MatrixClient.forAuthorization(service.forUser(USER), {
      baseUrl: 'https://hs.example',
      fetch: fake.fetch,
    });
    fake.on('GET', `/_matrix/client/v3/user/${U}/account_data/m.direct`, json(200, { a: 1 }));
    expect(await client.getAccountData({ kind: 'global' }, 'm.direct')).toEqual({
      status: 'content',
      content: { a: 1 },
    });
    const [request] = fake.requests;
    expect(request?.headers.authorization).toBe('Bearer as-token');
    expect(request?.query).toEqual({ user_id: USER });
    expect(client.userId).toBe(USER);
    expect(client.deviceId).toBe('');
    expect(client.baseUrl).toBe('https://hs.example');
    expect(client.canRefresh).toBe(false);
    expect(client.isExpired).toBe(false);
    expect(() => client.session).toThrow(/not act for a user session/);
    await expect(client.refresh()).rejects.toThrow(ClientRefusedError);
    await client.logout();
    expect(fake.requests).toHaveLength(1);
  });
});
