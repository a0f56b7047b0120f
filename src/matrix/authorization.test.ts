/**
 * {@link SessionAuthorization} for OAuth 2.0 sessions (docs/protocol.md §1.5): refresh races and
 * failures. The homeserver is a {@link ScriptedFetch}; the token endpoint is reached by
 * oidc-client-ts through the global `fetch`, so the same fake is installed there.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionAuthorization, type SessionAuthorizationOptions } from './authorization.ts';
import { MatrixApiError, OAuthError } from './errors.ts';
import { ScriptedFetch, json, matrixError, type RecordedRequest } from './testing/scripted-fetch.ts';
import { Transport } from './transport.ts';
import type { Session } from './types.ts';

const BASE = 'https://hs.example';
const TOKEN_ENDPOINT = 'https://auth.example/oauth2/token';
const ROOMS = '/_matrix/client/v3/joined_rooms';
const N = 5;

const oauthSession: Session = {
  baseUrl: BASE,
  userId: '@alice:hs.example',
  deviceId: 'ABCDEFGHIJ',
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  expiresAt: 10_000_000,
  authApi: 'oauth',
  loginMethod: 'oauth',
  oauth: {
    clientId: 'cid-1',
    issuer: 'https://auth.example/',
    tokenEndpoint: TOKEN_ENDPOINT,
    revocationEndpoint: 'https://auth.example/oauth2/revoke',
  },
};

let fake: ScriptedFetch;

beforeEach(() => {
  fake = new ScriptedFetch();
  vi.stubGlobal('fetch', fake.fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function setup(session: Session = oauthSession, options: SessionAuthorizationOptions = {}) {
  const onSessionExpired = vi.fn();
  const onSessionChanged = vi.fn();
  const authorization = new SessionAuthorization(session, {
    fetch: fake.fetch,
    now: () => 1_000_000,
    onSessionExpired,
    onSessionChanged,
    ...options,
  });
  const transport = new Transport({ baseUrl: BASE, authorization, fetch: fake.fetch });
  const getRooms = () => transport.request<{ joined_rooms: string[] }>('GET', ROOMS as never);
  return { authorization, transport, getRooms, onSessionExpired, onSessionChanged };
}

/** Until `predicate` holds (polling; the fake answers asynchronously). */
async function until(predicate: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** `/joined_rooms`: 200 for `at-2`, `401 M_UNKNOWN_TOKEN` (soft_logout false, as MAS-backed Synapse says) otherwise. */
function roomsAcceptOnly(token: string) {
  fake.fallback = (req: RecordedRequest) => {
    if (req.path !== ROOMS) return matrixError(404, 'M_UNRECOGNIZED');
    return req.headers.authorization === `Bearer ${token}`
      ? json(200, { joined_rooms: ['!a:hs.example'] })
      : matrixError(401, 'M_UNKNOWN_TOKEN', 'Token is not active', { soft_logout: false });
  };
}

const tokenReply = json(200, {
  access_token: 'at-2',
  refresh_token: 'rt-2',
  token_type: 'Bearer',
  expires_in: 300,
});

const roomRequestsWith = (token: string) =>
  fake.requestsTo(ROOMS).filter((r) => r.headers.authorization === `Bearer ${token}`);

describe('SessionAuthorization, OAuth 2.0 session: refresh races', () => {
  it(`${N} concurrent requests rejected with 401 M_UNKNOWN_TOKEN (soft_logout false) share ONE refresh, then all retry with the new token`, async () => {
    roomsAcceptOnly('at-2');
    // The token endpoint answers only once every request has had its 401: all of them wait on the same refresh.
    fake.on('POST', '/oauth2/token', async () => {
      await until(() => roomRequestsWith('at-1').length === N);
      return tokenReply;
    });
    const { getRooms, authorization, onSessionChanged, onSessionExpired } = setup();
    const results = await Promise.all(Array.from({ length: N }, getRooms));
    expect(results).toEqual(Array.from({ length: N }, () => ({ joined_rooms: ['!a:hs.example'] })));
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(fake.requestsTo('/oauth2/token')[0]?.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_id: 'cid-1',
    });
    expect(roomRequestsWith('at-1')).toHaveLength(N);
    expect(roomRequestsWith('at-2')).toHaveLength(N);
    expect(onSessionChanged).toHaveBeenCalledTimes(1);
    expect(onSessionChanged).toHaveBeenCalledWith(
      expect.objectContaining({ accessToken: 'at-2', refreshToken: 'rt-2', expiresAt: 1_000_000 + 300_000 }),
    );
    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(authorization.session).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
  });

  it('a 401 for the old token arriving after the refresh finished retries with the new token, without a second refresh', async () => {
    let releaseLate: () => void = () => undefined;
    const late = new Promise<void>((resolve) => {
      releaseLate = resolve;
    });
    let first = true;
    fake.fallback = async (req: RecordedRequest) => {
      if (req.path !== ROOMS) return matrixError(404, 'M_UNRECOGNIZED');
      if (req.headers.authorization === 'Bearer at-2') return json(200, { joined_rooms: [] });
      if (first) {
        first = false;
        return matrixError(401, 'M_UNKNOWN_TOKEN', '', { soft_logout: false });
      }
      await late; // sent with at-1 before the refresh, answered after it
      return matrixError(401, 'M_UNKNOWN_TOKEN', '', { soft_logout: false });
    };
    fake.on('POST', '/oauth2/token', tokenReply);
    const { getRooms } = setup();
    const a = getRooms();
    const b = getRooms();
    await a;
    releaseLate();
    await b;
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(roomRequestsWith('at-2')).toHaveLength(2);
  });

  it('an access token about to expire is refreshed once, before sending, for concurrent requests', async () => {
    roomsAcceptOnly('at-2');
    fake.on('POST', '/oauth2/token', tokenReply);
    // Expires in 30 s: inside the 60 s margin.
    const { getRooms } = setup({ ...oauthSession, expiresAt: 1_000_000 + 30_000 });
    await Promise.all(Array.from({ length: N }, getRooms));
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(fake.requests[0]?.url.href).toBe(TOKEN_ENDPOINT);
    expect(roomRequestsWith('at-1')).toHaveLength(0);
    expect(roomRequestsWith('at-2')).toHaveLength(N);
  });

  it('a token outside the margin is not refreshed ahead', async () => {
    roomsAcceptOnly('at-1');
    const { getRooms } = setup({ ...oauthSession, expiresAt: 1_000_000 + 120_000 });
    await getRooms();
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(0);
  });
});

describe('SessionAuthorization, OAuth 2.0 session: refresh failures', () => {
  it('a refusal (400 invalid_grant: the refresh token was revoked) ends the session once, for all waiting requests', async () => {
    roomsAcceptOnly('at-2');
    fake.on('POST', '/oauth2/token', async () => {
      await until(() => roomRequestsWith('at-1').length === N);
      return json(400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
    });
    const { getRooms, authorization, onSessionExpired } = setup();
    const outcomes = await Promise.allSettled(Array.from({ length: N }, getRooms));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(MatrixApiError);
    }
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    // The server said the token is gone (soft_logout false), and it cannot be renewed: not a soft logout.
    expect(onSessionExpired).toHaveBeenCalledWith({
      softLogout: false,
      error: expect.any(MatrixApiError) as unknown,
    });
    expect(authorization.isExpired).toBe(true);
    // Over means over: no further refresh attempts.
    await expect(getRooms()).rejects.toBeInstanceOf(MatrixApiError);
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('a refusal of a refresh ahead of expiry ends the session before any request is sent', async () => {
    roomsAcceptOnly('at-1');
    fake.on('POST', '/oauth2/token', json(400, { error: 'invalid_grant' }));
    const { getRooms, authorization, onSessionExpired } = setup({
      ...oauthSession,
      expiresAt: 1_000_000 + 1_000,
    });
    await expect(getRooms()).rejects.toBeInstanceOf(OAuthError);
    expect(fake.requestsTo(ROOMS)).toHaveLength(0);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(authorization.isExpired).toBe(true);
  });

  it('a network failure of the refresh is transient: the request fails, the session stays, the next request refreshes again', async () => {
    roomsAcceptOnly('at-2');
    fake.on('POST', '/oauth2/token', new TypeError('fetch failed'));
    const { getRooms, authorization, onSessionExpired } = setup();
    const error = await getRooms().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(authorization.isExpired).toBe(false);
    expect(authorization.session.refreshToken).toBe('rt-1');

    fake.on('POST', '/oauth2/token', tokenReply);
    expect(await getRooms()).toEqual({ joined_rooms: ['!a:hs.example'] });
    expect(fake.requestsTo('/oauth2/token').map((r) => r.form?.refresh_token)).toEqual(['rt-1', 'rt-1']);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('a 5xx of the token endpoint is transient too', async () => {
    roomsAcceptOnly('at-2');
    fake.on('POST', '/oauth2/token', json(503, { error: 'temporarily_unavailable' }));
    const { getRooms, authorization, onSessionExpired } = setup();
    await expect(getRooms()).rejects.not.toBeInstanceOf(OAuthError);
    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(authorization.isExpired).toBe(false);
  });

  it('a network failure of a refresh ahead of expiry sends the request with the old token anyway', async () => {
    roomsAcceptOnly('at-1');
    fake.on('POST', '/oauth2/token', new TypeError('fetch failed'));
    const { getRooms, onSessionExpired } = setup({ ...oauthSession, expiresAt: 1_000_000 + 1_000 });
    expect(await getRooms()).toEqual({ joined_rooms: ['!a:hs.example'] });
    expect(roomRequestsWith('at-1')).toHaveLength(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('a token still rejected after a successful refresh ends the session (no second refresh)', async () => {
    roomsAcceptOnly('never');
    fake.on('POST', '/oauth2/token', tokenReply);
    const { getRooms, onSessionExpired } = setup();
    await expect(getRooms()).rejects.toBeInstanceOf(MatrixApiError);
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(onSessionExpired).toHaveBeenCalledWith(expect.objectContaining({ softLogout: false }));
  });
});

describe('SessionAuthorization.logout, OAuth 2.0 session', () => {
  it('revokes at the revocation endpoint (not /v3/logout) and marks the session over', async () => {
    fake.on('POST', '/oauth2/revoke', { status: 200 }, 2);
    const { authorization } = setup();
    await authorization.logout();
    expect(fake.requests.map((r) => `${r.url.pathname} ${r.form?.token_type_hint ?? ''}`)).toEqual([
      '/oauth2/revoke refresh_token',
      '/oauth2/revoke access_token',
    ]);
    expect(authorization.isExpired).toBe(true);
  });
});
