/**
 * Sign-in, capabilities and discovery against the real Synapse (scripts/homeserver.sh).
 */
import { describe, expect, it } from 'vitest';
import { loginWithAccessToken, loginWithPassword } from '../src/matrix/auth.ts';
import { logout, refreshSession } from '../src/matrix/authorities.ts';
import { MatrixClient } from '../src/matrix/client.ts';
import { getServerCapabilities } from '../src/matrix/capabilities.ts';
import { discoverHomeserver, resolveWellKnown } from '../src/matrix/discovery.ts';
import { MatrixApiError } from '../src/matrix/errors.ts';
import { createUser, homeserver } from '../test-support/synapse.ts';

describe('sign-in against Synapse', () => {
  it('logs in with a password as a new device, and logout deletes that device', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'auth' });
    const session = await loginWithPassword(hs.baseUrl, { user: user.localpart, password: user.password });
    expect(session).toMatchObject({
      baseUrl: hs.baseUrl,
      userId: user.userId,
      authApi: 'legacy',
      loginMethod: 'password',
    });
    expect(session.deviceId).not.toBe(user.deviceId);
    // Synapse 1.160 issues a refresh token whenever asked, with a 5-minute access token by default
    // (`refreshable_access_token_lifetime` defaults to 5m; docs/protocol.md §1.4).
    expect(session.refreshToken).toEqual(expect.any(String));
    expect(session.expiresAt).toBeGreaterThan(Date.now() + 60_000);

    const client = new MatrixClient(session);
    expect(await client.whoami()).toMatchObject({ user_id: user.userId, device_id: session.deviceId });
    const devices = await client.getDevices();
    expect(devices.find((d) => d.device_id === session.deviceId)?.display_name).toBe(
      'Account Data Inspector',
    );

    await logout(session);
    const error = await new MatrixClient(session).whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatrixApiError);
    expect((error as MatrixApiError).status).toBe(401);
    expect((error as MatrixApiError).errcode).toBe('M_UNKNOWN_TOKEN');
    expect((error as MatrixApiError).softLogout).toBe(false);
    const remaining = await new MatrixClient({
      ...session,
      accessToken: user.accessToken,
      deviceId: user.deviceId,
    }).getDevices();
    expect(remaining.map((d) => d.device_id)).not.toContain(session.deviceId);
  });

  it('accepts a full user ID as the login identifier and rejects a wrong password', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'auth' });
    const session = await loginWithPassword(hs.baseUrl, { user: user.userId, password: user.password });
    expect(session.userId).toBe(user.userId);
    await logout(session);
    const error = await loginWithPassword(hs.baseUrl, { user: user.localpart, password: 'wrong' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 403, errcode: 'M_FORBIDDEN' });
    expect(String(error)).not.toContain(user.password);
  });

  it('signs in with an existing access token (whoami)', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'auth' });
    const session = await loginWithAccessToken(hs.baseUrl, user.accessToken);
    expect(session).toMatchObject({ userId: user.userId, deviceId: user.deviceId, loginMethod: 'token' });
    await expect(loginWithAccessToken(hs.baseUrl, 'syt_bogus')).rejects.toMatchObject({
      status: 401,
      errcode: 'M_UNKNOWN_TOKEN',
    });
  });

  it('refreshes an expiring token ahead of time and rotates the refresh token', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'auth' });
    const session = await loginWithPassword(hs.baseUrl, { user: user.localpart, password: user.password });
    const changed: string[] = [];
    // Pretend the token expires in 10 s: the client refreshes before the next request.
    const client = new MatrixClient(session, {
      now: () => (session.expiresAt ?? 0) - 10_000,
      onSessionChanged: (next) => changed.push(next.accessToken),
    });
    expect(await client.whoami()).toMatchObject({ user_id: user.userId, device_id: session.deviceId });
    expect(changed).toHaveLength(1);
    expect(client.session.accessToken).not.toBe(session.accessToken);
    expect(client.session.refreshToken).not.toBe(session.refreshToken);
    // The superseded refresh token is refused once the new tokens were used (docs/protocol.md §1.4).
    await expect(refreshSession(session)).rejects.toMatchObject({ status: 403, errcode: 'M_FORBIDDEN' });
    await client.logout();
  });

  it('has no /refresh without a refresh token (refused client-side)', async () => {
    const hs = homeserver('main');
    const user = await createUser(hs, { prefix: 'auth' });
    const session = await loginWithAccessToken(hs.baseUrl, user.accessToken);
    await expect(refreshSession(session)).rejects.toMatchObject({ code: 'no-refresh-token' });
  });
});

describe('capabilities and discovery', () => {
  it('reads MSC3391 and sliding sync from the authenticated /versions of both servers', async () => {
    const main = homeserver('main');
    const nodelete = homeserver('nodelete');
    const mainUser = await createUser(main, { prefix: 'caps' });
    const mainCaps = await new MatrixClient(
      await loginWithAccessToken(main.baseUrl, mainUser.accessToken),
    ).getCapabilities();
    expect(mainCaps).toMatchObject({ slidingSync: true, accountDataDelete: true, oauth: null });
    expect(mainCaps.loginFlows?.map((f) => f.type)).toContain('m.login.password');
    const plain = await getServerCapabilities(nodelete.baseUrl);
    expect(plain).toMatchObject({ slidingSync: true, accountDataDelete: false });
  });

  it('discovers the server from a URL, an IP server name, and its .well-known', async () => {
    const hs = homeserver('main');
    expect(await discoverHomeserver(hs.baseUrl)).toMatchObject({ baseUrl: hs.baseUrl, source: 'url' });
    const port = new URL(hs.baseUrl).port;
    expect(await discoverHomeserver(`127.0.0.1:${port}`)).toMatchObject({
      baseUrl: hs.baseUrl,
      source: 'fallback',
    });
    // serve_client_wellknown: true → Synapse serves the file itself, naming public_baseurl.
    expect(await resolveWellKnown(hs.baseUrl)).toMatchObject({ action: 'SUCCESS', baseUrl: hs.baseUrl });
  });
});
