import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVICE_DISPLAY_NAME,
  loginWithAccessToken,
  loginWithLoginToken,
  loginWithPassword,
  passwordSignIn,
  sessionInvalidation,
  ssoRedirectUrl,
} from './auth.ts';
import { logout, refreshSession } from './authorities.ts';
import { ClientRefusedError, MatrixApiError } from './errors.ts';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';
import type { ServerCapabilities, Session } from './types.ts';

const BASE = 'https://hs.example';
const now = () => 1_000_000;

describe('loginWithPassword', () => {
  it('posts m.login.password with an m.id.user identifier and asks for a refresh token', async () => {
    const fake = new ScriptedFetch().on(
      'POST',
      '/_matrix/client/v3/login',
      json(200, {
        user_id: '@alice:hs.example',
        access_token: 'at1',
        device_id: 'DEV1',
        refresh_token: 'rt1',
        expires_in_ms: 300_000,
      }),
    );
    const session = await loginWithPassword(
      `${BASE}/`,
      { user: 'alice', password: 'pw' },
      { fetch: fake.fetch, now },
    );
    expect(fake.requests[0]?.body).toEqual({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'alice' },
      password: 'pw',
      initial_device_display_name: DEFAULT_DEVICE_DISPLAY_NAME,
      refresh_token: true,
    });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(session).toEqual({
      baseUrl: BASE,
      userId: '@alice:hs.example',
      deviceId: 'DEV1',
      accessToken: 'at1',
      refreshToken: 'rt1',
      expiresAt: 1_300_000,
      authApi: 'legacy',
      loginMethod: 'password',
    });
  });

  it('surfaces bad credentials as 403 M_FORBIDDEN without the password in the message', async () => {
    const fake = new ScriptedFetch().on(
      'POST',
      undefined,
      matrixError(403, 'M_FORBIDDEN', 'Invalid username or password'),
    );
    const error = await loginWithPassword(
      BASE,
      { user: 'alice', password: 'hunter2' },
      { fetch: fake.fetch },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatrixApiError);
    expect((error as MatrixApiError).errcode).toBe('M_FORBIDDEN');
    expect(String(error)).not.toContain('hunter2');
  });

  it('is available only when the server offers the flow', () => {
    const caps = (types: string[]) => ({ loginFlows: types.map((type) => ({ type })) }) as ServerCapabilities;
    expect(passwordSignIn.isAvailable(caps(['m.login.password']))).toBe(true);
    expect(passwordSignIn.isAvailable(caps(['m.login.sso']))).toBe(false);
  });
});

describe('loginWithLoginToken', () => {
  it('exchanges an SSO loginToken with m.login.token', async () => {
    const fake = new ScriptedFetch().on(
      'POST',
      '/_matrix/client/v3/login',
      json(200, { user_id: '@a:x', access_token: 'at', device_id: 'D' }),
    );
    const session = await loginWithLoginToken(BASE, 'lt-123', { fetch: fake.fetch });
    expect(fake.requests[0]?.body).toMatchObject({
      type: 'm.login.token',
      token: 'lt-123',
      refresh_token: true,
    });
    expect(session.loginMethod).toBe('sso');
    expect(session.refreshToken).toBeUndefined();
  });

  it('builds the SSO redirect URL', () => {
    expect(ssoRedirectUrl(BASE, 'http://app.local/cb?x=1', { idpId: 'oidc-x', action: 'login' })).toBe(
      'https://hs.example/_matrix/client/v3/login/sso/redirect/oidc-x?redirectUrl=http%3A%2F%2Fapp.local%2Fcb%3Fx%3D1&action=login',
    );
  });
});

describe('loginWithAccessToken', () => {
  it('validates the token with whoami', async () => {
    const fake = new ScriptedFetch().on(
      'GET',
      '/_matrix/client/v3/account/whoami',
      json(200, { user_id: '@a:x', device_id: 'D', is_guest: false }),
    );
    const session = await loginWithAccessToken(BASE, ' tok ', { fetch: fake.fetch });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer tok');
    expect(session).toMatchObject({
      userId: '@a:x',
      deviceId: 'D',
      accessToken: 'tok',
      loginMethod: 'token',
    });
  });

  it('refuses tokens without a device, and guests', async () => {
    const noDevice = new ScriptedFetch().on('GET', undefined, json(200, { user_id: '@a:x' }));
    await expect(loginWithAccessToken(BASE, 'tok', { fetch: noDevice.fetch })).rejects.toMatchObject({
      code: 'not-device-bound',
    });
    const guest = new ScriptedFetch().on(
      'GET',
      undefined,
      json(200, { user_id: '@a:x', device_id: 'D', is_guest: true }),
    );
    await expect(loginWithAccessToken(BASE, 'tok', { fetch: guest.fetch })).rejects.toBeInstanceOf(
      ClientRefusedError,
    );
  });
});

describe('refresh and logout', () => {
  const session: Session = {
    baseUrl: BASE,
    userId: '@a:x',
    deviceId: 'D',
    accessToken: 'old-at',
    refreshToken: 'old-rt',
    expiresAt: 5,
    authApi: 'legacy',
    loginMethod: 'password',
  };

  it('rotates tokens without sending the (expired) access token', async () => {
    const fake = new ScriptedFetch().on(
      'POST',
      '/_matrix/client/v3/refresh',
      json(200, { access_token: 'new-at', refresh_token: 'new-rt', expires_in_ms: 1000 }),
    );
    const next = await refreshSession(session, { fetch: fake.fetch, now });
    expect(fake.requests[0]?.body).toEqual({ refresh_token: 'old-rt' });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    expect(next).toMatchObject({ accessToken: 'new-at', refreshToken: 'new-rt', expiresAt: 1_001_000 });
  });

  it('refuses to refresh without a refresh token', async () => {
    const { refreshToken: _rt, ...noRefresh } = session;
    await expect(refreshSession(noRefresh)).rejects.toMatchObject({ code: 'no-refresh-token' });
  });

  it('does not leak the refresh token in refresh errors', async () => {
    const fake = new ScriptedFetch().on(
      'POST',
      undefined,
      matrixError(401, 'M_UNKNOWN_TOKEN', 'unknown token old-rt'),
    );
    const error = await refreshSession(session, { fetch: fake.fetch }).catch((e: unknown) => e);
    expect(String(error)).not.toContain('old-rt');
  });

  it('logs out with POST /logout and treats 401 as already logged out', async () => {
    const fake = new ScriptedFetch()
      .on('POST', '/_matrix/client/v3/logout', json(200, {}))
      .on(
        'POST',
        '/_matrix/client/v3/logout',
        matrixError(401, 'M_UNKNOWN_TOKEN', '', { soft_logout: false }),
      );
    await logout(session, { fetch: fake.fetch });
    await logout(session, { fetch: fake.fetch });
    expect(fake.requests.map((r) => r.body)).toEqual([{}, {}]);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer old-at');
  });
});

describe('sessionInvalidation', () => {
  const err = (status: number, errcode: string, softLogout?: boolean) =>
    new MatrixApiError({
      status,
      errcode,
      serverMessage: '',
      method: 'GET',
      path: '/x',
      body: {},
      ...(softLogout === undefined ? {} : { softLogout }),
    });

  it('classifies soft and hard logouts', () => {
    expect(sessionInvalidation(err(401, 'M_UNKNOWN_TOKEN', true))).toEqual({ softLogout: true });
    expect(sessionInvalidation(err(401, 'M_UNKNOWN_TOKEN', false))).toEqual({ softLogout: false });
    expect(sessionInvalidation(err(401, 'M_UNKNOWN_TOKEN'))).toEqual({ softLogout: false });
    expect(sessionInvalidation(err(401, 'M_MISSING_TOKEN'))).toEqual({ softLogout: false });
    expect(sessionInvalidation(err(403, 'M_FORBIDDEN'))).toBeNull();
    expect(sessionInvalidation(new Error('x'))).toBeNull();
  });
});
