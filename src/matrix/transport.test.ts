import { describe, expect, it, vi } from 'vitest';
import { AppserviceAuthorization, StaticTokenAuthorization } from './authorization.ts';
import { getDevices } from './api/devices.ts';
import { AccountDataApi } from './api/account-data.ts';
import { CapabilitiesApi } from './api/capabilities.ts';
import { MatrixClient } from './client.ts';
import { MatrixApiError } from './errors.ts';
import { createAccountDataSync } from './sync/create-sync.ts';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';
import { Transport } from './transport.ts';
import type { ServerCapabilities, Session } from './types.ts';

const AS_USER = '@_bridge_alice:hs.example';
const U = encodeURIComponent(AS_USER);

function appserviceTransport(fake: ScriptedFetch, onExpired = vi.fn()) {
  const authorization = new AppserviceAuthorization({ asToken: 'as-secret', userId: AS_USER, onExpired });
  return {
    transport: new Transport({ baseUrl: 'https://hs.example', authorization, fetch: fake.fetch }),
    onExpired,
  };
}

describe('Transport with an appservice identity (docs/protocol.md §7)', () => {
  it('sends the as_token as a bearer header and asserts the user (and device) in the query, never the token', async () => {
    const fake = new ScriptedFetch();
    fake.on('GET', `/_matrix/client/v3/user/${U}/account_data/m.direct`, json(200, { a: 1 }));
    fake.on('GET', '/_matrix/client/v3/devices', json(200, { devices: [{ device_id: 'D1' }] }));
    const { transport } = appserviceTransport(fake);
    const capabilities = new CapabilitiesApi(transport, { fetch: fake.fetch });
    const accountData = new AccountDataApi(transport, capabilities);
    expect(await accountData.getAccountData({ kind: 'global' }, 'm.direct')).toEqual({
      status: 'content',
      content: { a: 1 },
    });
    const other = new Transport({
      baseUrl: 'https://hs.example',
      authorization: new AppserviceAuthorization({ asToken: 'as-secret', userId: AS_USER }).forUser(
        '@_bridge_bob:hs.example',
        'BOBDEV',
      ),
      fetch: fake.fetch,
    });
    expect(await getDevices(other)).toEqual([{ device_id: 'D1' }]);
    const [first, second] = fake.requests;
    expect(first?.headers.authorization).toBe('Bearer as-secret');
    expect(first?.query).toEqual({ user_id: AS_USER });
    expect(second?.query).toEqual({ user_id: '@_bridge_bob:hs.example', device_id: 'BOBDEV' });
    expect(fake.requests.every((r) => !r.url.href.includes('as-secret'))).toBe(true);
  });

  it('does not retry a rejected as_token, and reports the end of the identity once', async () => {
    const fake = new ScriptedFetch();
    fake.on('GET', '/_matrix/client/v3/devices', matrixError(401, 'M_UNKNOWN_TOKEN'), 2);
    const { transport, onExpired } = appserviceTransport(fake);
    await expect(getDevices(transport)).rejects.toBeInstanceOf(MatrixApiError);
    await expect(getDevices(transport)).rejects.toBeInstanceOf(MatrixApiError);
    expect(fake.requests).toHaveLength(2);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('sends no credentials at all for unauthenticated probes', async () => {
    const fake = new ScriptedFetch();
    fake.on('GET', '/_matrix/client/v3/login', json(200, { flows: [] }));
    const { transport } = appserviceTransport(fake);
    const path = '/_matrix/client/v3/login' as Parameters<Transport['request']>[1];
    await transport.request('GET', path, { authenticated: false });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(fake.requests[0]?.query).toEqual({});
  });
});

describe('StaticTokenAuthorization (an admin token)', () => {
  it('uses the token as is and ends on 401 without a refresh attempt', async () => {
    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/client/v3/devices',
      matrixError(401, 'M_UNKNOWN_TOKEN', '', { soft_logout: true }),
    );
    const onExpired = vi.fn();
    const transport = new Transport({
      baseUrl: 'https://hs.example',
      authorization: new StaticTokenAuthorization({
        accessToken: 'admin-token',
        userId: '@admin:hs',
        onExpired,
      }),
      fetch: fake.fetch,
    });
    await expect(getDevices(transport)).rejects.toMatchObject({ status: 401 });
    expect(fake.requests.map((r) => r.path)).toEqual(['/_matrix/client/v3/devices']);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer admin-token');
    expect(onExpired).toHaveBeenCalledWith(expect.objectContaining({ softLogout: true }));
  });
});

describe('capabilities handed over from sign-in (issue #7)', () => {
  const session: Session = {
    baseUrl: 'https://hs.example',
    userId: '@alice:hs.example',
    deviceId: 'DEV',
    accessToken: 'at',
    authApi: 'legacy',
    loginMethod: 'password',
  };
  const probed = (slidingSync: boolean): ServerCapabilities => ({
    baseUrl: 'https://hs.example',
    versions: ['v1.12'],
    unstableFeatures: { 'org.matrix.simplified_msc3575': slidingSync },
    slidingSync,
    accountDataDelete: false,
    loginFlows: [{ type: 'm.login.password' }],
    ssoProviders: [],
    oauth: null,
  });

  it('starts sliding sync without any probe when sign-in already saw it advertised', async () => {
    const fake = new ScriptedFetch();
    const client = new MatrixClient(session, { fetch: fake.fetch, capabilities: probed(true) });
    const { kind } = await createAccountDataSync(client);
    expect(kind).toBe('sliding');
    expect(await client.getCapabilities()).toEqual(probed(true));
    expect(fake.requests).toHaveLength(0);
  });

  it('re-reads /versions with the token when sign-in saw no sliding sync (a per-user override may add it)', async () => {
    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/client/versions',
      json(200, { versions: ['v1.12'], unstable_features: { 'org.matrix.simplified_msc3575': true } }),
    );
    const client = new MatrixClient(session, { fetch: fake.fetch, capabilities: probed(false) });
    const { kind } = await createAccountDataSync(client);
    expect(kind).toBe('sliding');
    expect(fake.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/_matrix/client/versions', 'Bearer at'],
    ]);
  });
});
