// @vitest-environment jsdom
/**
 * Coming back from SSO or OAuth 2.0: the answer leaves the address bar at once and is exchanged
 * exactly once (issue #11). The homeserver and the authorization server are a ScriptedFetch
 * installed as the global `fetch` (the exchange takes no `fetch` option; oidc-client-ts uses the
 * global one anyway).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browserStateStore, startOAuthSignIn } from '../../matrix/oauth.ts';
import { ScriptedFetch, json } from '../../matrix/testing/scripted-fetch.ts';
import type { OAuthMetadata } from '../../matrix/types.ts';
import {
  completeRedirectSignIn,
  rememberPendingSignIn,
  resetRedirectReturnForTests,
  takeRedirectReturn,
  type RedirectReturn,
} from './redirect-return.ts';

const BASE = 'https://hs.example';
const PENDING_KEY = 'adi.pending-sign-in';

function fakeLocation(href: string) {
  const history = { state: { from: 'router' } as unknown, replaceState: vi.fn() };
  return { location: { href }, history };
}

let fake: ScriptedFetch;

beforeEach(() => {
  resetRedirectReturnForTests();
  sessionStorage.clear();
  fake = new ScriptedFetch();
  vi.stubGlobal('fetch', fake.fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('takeRedirectReturn', () => {
  it('SSO: takes the loginToken, removes it from the address bar keeping other parameters and the hash, and reads the pending sign-in', () => {
    rememberPendingSignIn({ method: 'sso', baseUrl: BASE, remember: false }, 1234);
    const { location, history } = fakeLocation(
      'http://127.0.0.1:5173/app/?theme=dark&loginToken=secret-login-token#/entry?scope=global&type=m.direct',
    );
    const result = takeRedirectReturn(location, history);
    expect(result).toEqual({
      kind: 'sso',
      loginToken: 'secret-login-token',
      pending: { method: 'sso', baseUrl: BASE, remember: false, startedAt: 1234 },
    });
    expect(history.replaceState).toHaveBeenCalledTimes(1);
    expect(history.replaceState).toHaveBeenCalledWith(
      { from: 'router' },
      '',
      '/app/?theme=dark#/entry?scope=global&type=m.direct',
    );
    expect(sessionStorage.getItem(PENDING_KEY)).toBeNull();
  });

  it('OAuth: takes code, state, iss (and the rest of the answer) out of the address bar; the callback URL keeps them', () => {
    rememberPendingSignIn({ method: 'oauth', baseUrl: BASE, remember: true }, 1);
    const href =
      'http://localhost:5173/?keep=1&code=the-code&state=st4te&iss=https%3A%2F%2Fauth.example%2F#top';
    const { location, history } = fakeLocation(href);
    expect(takeRedirectReturn(location, history)).toEqual({
      kind: 'oauth',
      callbackUrl: href,
      pending: { method: 'oauth', baseUrl: BASE, remember: true, startedAt: 1 },
    });
    expect(history.replaceState).toHaveBeenCalledWith({ from: 'router' }, '', '/?keep=1#top');
  });

  it('OAuth error answer: error, error_description, error_uri and state leave the address bar too', () => {
    const { location, history } = fakeLocation(
      'http://localhost:5173/?error=access_denied&error_description=No+thanks&error_uri=https%3A%2F%2Fx&state=s',
    );
    expect(takeRedirectReturn(location, history)).toMatchObject({ kind: 'oauth', pending: null });
    expect(history.replaceState).toHaveBeenCalledWith({ from: 'router' }, '', '/');
  });

  it('returns the same object on later calls without touching the URL again', () => {
    const { location, history } = fakeLocation('http://localhost:5173/?loginToken=t');
    const first = takeRedirectReturn(location, history);
    const again = takeRedirectReturn(fakeLocation('http://localhost:5173/').location, history);
    expect(again).toBe(first);
    expect(history.replaceState).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no query', 'http://localhost:5173/'],
    ['other parameters', 'http://localhost:5173/?theme=dark#/activity'],
    ['an empty loginToken', 'http://localhost:5173/?loginToken='],
    ['a code without state', 'http://localhost:5173/?code=c'],
    ['a state without code or error', 'http://localhost:5173/?state=s'],
  ])('ignores a URL with %s: null, the URL and the pending sign-in untouched', (_name, href) => {
    rememberPendingSignIn({ method: 'sso', baseUrl: BASE, remember: true });
    const { location, history } = fakeLocation(href);
    expect(takeRedirectReturn(location, history)).toBeNull();
    expect(history.replaceState).not.toHaveBeenCalled();
    expect(sessionStorage.getItem(PENDING_KEY)).not.toBeNull();
    expect(
      takeRedirectReturn(fakeLocation('http://localhost:5173/?loginToken=t').location, history),
    ).toBeNull();
  });

  it('a malformed pending sign-in reads as none (and is cleared)', () => {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ method: 'sso', baseUrl: 42 }));
    const { location, history } = fakeLocation('http://localhost:5173/?loginToken=t');
    expect(takeRedirectReturn(location, history)).toMatchObject({ kind: 'sso', pending: null });
    expect(sessionStorage.getItem(PENDING_KEY)).toBeNull();
  });
});

describe('completeRedirectSignIn: exactly one exchange per answer (React StrictMode calls twice)', () => {
  const sso: RedirectReturn = {
    kind: 'sso',
    loginToken: 'secret-login-token',
    pending: { method: 'sso', baseUrl: BASE, remember: true, startedAt: 0 },
  };

  it('SSO: one m.login.token login (device "Account Data Inspector") however often it is called', async () => {
    fake.on(
      'POST',
      '/_matrix/client/v3/login',
      json(200, { user_id: '@alice:hs.example', access_token: 'syt_a', device_id: 'SSODEV' }),
    );
    const first = completeRedirectSignIn(sso);
    const second = completeRedirectSignIn({ ...sso });
    expect(second).toBe(first);
    expect(await second).toMatchObject({
      userId: '@alice:hs.example',
      deviceId: 'SSODEV',
      loginMethod: 'sso',
    });
    const logins = fake.requestsTo('/_matrix/client/v3/login', 'POST');
    expect(logins).toHaveLength(1);
    expect(logins[0]?.body).toEqual({
      type: 'm.login.token',
      token: 'secret-login-token',
      initial_device_display_name: 'Account Data Inspector',
      refresh_token: true,
    });
  });

  it('SSO: a failed exchange is not retried by a second call', async () => {
    fake.on(
      'POST',
      '/_matrix/client/v3/login',
      json(403, { errcode: 'M_FORBIDDEN', error: 'Invalid token' }),
    );
    await expect(completeRedirectSignIn(sso)).rejects.toMatchObject({ errcode: 'M_FORBIDDEN' });
    await expect(completeRedirectSignIn(sso)).rejects.toMatchObject({ errcode: 'M_FORBIDDEN' });
    expect(fake.requestsTo('/_matrix/client/v3/login')).toHaveLength(1);
  });

  it('SSO: an answer with no pending sign-in in this tab is refused without any request', async () => {
    await expect(completeRedirectSignIn({ ...sso, pending: null })).rejects.toThrow(
      /not belong to a sign-in started in this tab/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('OAuth: one code exchange and one whoami when called twice', async () => {
    const metadata: OAuthMetadata = {
      issuer: 'https://auth.example/',
      authorization_endpoint: 'https://auth.example/authorize',
      token_endpoint: 'https://auth.example/token',
      revocation_endpoint: 'https://auth.example/revoke',
      registration_endpoint: 'https://auth.example/register',
    };
    fake.on('POST', '/register', json(201, { client_id: 'cid' }));
    const { url, deviceId } = await startOAuthSignIn({
      baseUrl: BASE,
      metadata,
      appUrl: 'http://localhost:5173/',
      stateStore: browserStateStore(),
    });
    const state = new URL(url).searchParams.get('state') ?? '';
    fake.on('POST', '/token', json(200, { access_token: 'mat', token_type: 'Bearer', refresh_token: 'mar' }));
    fake.on(
      'GET',
      '/_matrix/client/v3/account/whoami',
      json(200, { user_id: '@alice:hs.example', device_id: deviceId }),
    );
    const ret: RedirectReturn = {
      kind: 'oauth',
      callbackUrl: `http://localhost:5173/?code=c0de&state=${state}`,
      pending: { method: 'oauth', baseUrl: BASE, remember: true, startedAt: 0 },
    };
    const [a, b] = await Promise.all([completeRedirectSignIn(ret), completeRedirectSignIn({ ...ret })]);
    expect(b).toBe(a);
    expect(a).toMatchObject({ authApi: 'oauth', deviceId, refreshToken: 'mar' });
    expect(fake.requestsTo('/token')).toHaveLength(1);
    expect(fake.requestsTo('/_matrix/client/v3/account/whoami')).toHaveLength(1);
  });
});
