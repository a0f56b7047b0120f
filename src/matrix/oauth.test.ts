/**
 * The OAuth 2.0 sign-in (docs/protocol.md §1.5) against a scripted authorization server and
 * homeserver. oidc-client-ts sends its token and revocation requests with the global `fetch`, so
 * the same {@link ScriptedFetch} is installed as `globalThis.fetch` and passed as `options.fetch`.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OAuthError } from './errors.ts';
import {
  chooseOAuthClient,
  completeOAuthSignIn,
  DEFAULT_LOOPBACK_CLIENT_URI,
  generateDeviceId,
  isOAuthCallback,
  memoryStateStore,
  oauthAuthority,
  registerOAuthClient,
  startOAuthSignIn,
  type OAuthClientChoice,
} from './oauth.ts';
import { ScriptedFetch, json } from './testing/scripted-fetch.ts';
import type { OAuthMetadata, Session } from './types.ts';

const BASE = 'https://hs.example';
const ISSUER = 'https://auth.example/';
const META: OAuthMetadata = {
  issuer: ISSUER,
  authorization_endpoint: 'https://auth.example/authorize',
  token_endpoint: 'https://auth.example/oauth2/token',
  revocation_endpoint: 'https://auth.example/oauth2/revoke',
  registration_endpoint: 'https://auth.example/oauth2/registration',
};
const APP = 'https://app.example/inspector/';
const WEB: OAuthClientChoice = {
  applicationType: 'web',
  redirectUri: APP,
  registeredRedirectUris: [APP],
  clientUri: 'https://app.example/',
};
const NOW = Date.UTC(2025, 0, 1);

let fake: ScriptedFetch;

beforeEach(() => {
  fake = new ScriptedFetch();
  vi.stubGlobal('fetch', fake.fetch);
  // oidc-client-ts computes `expires_in` from the wall clock; freeze it (timers stay real).
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const base64url = (bytes: Buffer) => bytes.toString('base64url');

describe('chooseOAuthClient (docs/protocol.md §1.5 registration rules)', () => {
  it('https: a web client whose client_uri is the origin and whose redirect is the page (no query, no fragment)', () => {
    expect(chooseOAuthClient('https://app.example/inspector/?x=1#/entry')).toEqual({
      applicationType: 'web',
      redirectUri: 'https://app.example/inspector/',
      registeredRedirectUris: ['https://app.example/inspector/'],
      clientUri: 'https://app.example/',
    });
  });

  it.each([
    ['http://localhost:5173/', 'http://localhost:5173/', 'http://localhost/'],
    ['http://127.0.0.1:4173/app/?q=1', 'http://127.0.0.1:4173/app/', 'http://127.0.0.1/app/'],
    ['http://[::1]:5174/', 'http://[::1]:5174/', 'http://[::1]/'],
  ])(
    'loopback %s: a native client registering the redirect without its port',
    (appUrl, redirectUri, registered) => {
      expect(chooseOAuthClient(appUrl)).toEqual({
        applicationType: 'native',
        redirectUri,
        registeredRedirectUris: [registered],
        clientUri: DEFAULT_LOOPBACK_CLIENT_URI,
      });
    },
  );

  it('loopback: the client_uri can be overridden', () => {
    expect(chooseOAuthClient('http://localhost:5173/', 'https://home.example/').clientUri).toBe(
      'https://home.example/',
    );
  });

  it.each(['http://app.example/', 'http://192.168.1.5:5173/', 'http://localhost.example/'])(
    'plain http on a real host (%s) cannot be registered: OAuthError unsupported_origin',
    (appUrl) => {
      expect(() => chooseOAuthClient(appUrl)).toThrow(OAuthError);
      try {
        chooseOAuthClient(appUrl);
      } catch (error) {
        expect(error).toMatchObject({ code: 'unsupported_origin' });
        expect((error as Error).message).toContain(new URL(appUrl).origin);
      }
    },
  );
});

describe('generateDeviceId', () => {
  it('gives 10 characters of [A-Z0-9]', () => {
    expect(generateDeviceId()).toMatch(/^[A-Z0-9]{10}$/);
    expect(generateDeviceId(() => new Uint8Array(10))).toBe('AAAAAAAAAA');
  });
});

describe('registerOAuthClient (RFC 7591)', () => {
  it('posts the metadata of a public client with the authorization code and refresh grants', async () => {
    fake.on('POST', '/oauth2/registration', json(201, { client_id: 'cid-1', client_name: 'x' }));
    const native = chooseOAuthClient('http://127.0.0.1:5173/');
    expect(await registerOAuthClient(META, native, { fetch: fake.fetch })).toBe('cid-1');
    const [request] = fake.requests;
    expect(request?.url.href).toBe(META.registration_endpoint);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      client_name: 'Account Data Inspector',
      client_uri: DEFAULT_LOOPBACK_CLIENT_URI,
      redirect_uris: ['http://127.0.0.1/'],
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
  });

  it('a refusal carries the server’s error and description', async () => {
    fake.on(
      'POST',
      '/oauth2/registration',
      json(400, { error: 'invalid_redirect_uri', error_description: 'redirect_uris must be https' }),
    );
    const error = await registerOAuthClient(META, WEB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'registration_failed' });
    expect((error as Error).message).toContain('invalid_redirect_uri: redirect_uris must be https');
  });

  it('an answer without error or client_id names the HTTP status', async () => {
    fake.on('POST', '/oauth2/registration', { status: 502, text: '<html>Bad gateway</html>' });
    await expect(registerOAuthClient(META, WEB)).rejects.toMatchObject({
      code: 'registration_failed',
      message: expect.stringContaining('HTTP 502') as unknown,
    });
    fake.on('POST', '/oauth2/registration', json(201, { client_name: 'no id' }));
    await expect(registerOAuthClient(META, WEB)).rejects.toMatchObject({ code: 'registration_failed' });
  });

  it('a network failure is an OAuthError "network" naming the host', async () => {
    fake.on('POST', '/oauth2/registration', new TypeError('fetch failed'));
    await expect(registerOAuthClient(META, WEB)).rejects.toMatchObject({
      name: 'OAuthError',
      code: 'network',
      message: expect.stringContaining('auth.example') as unknown,
    });
  });

  it('an abort rejects with the caller’s reason', async () => {
    const controller = new AbortController();
    const reason = new DOMException('stop', 'AbortError');
    fake.on('POST', '/oauth2/registration', () => {
      controller.abort(reason);
      return new TypeError('fetch failed');
    });
    await expect(registerOAuthClient(META, WEB, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('a server without a registration endpoint: OAuthError registration_unsupported, no request', async () => {
    const { registration_endpoint: _none, ...withoutRegistration } = META;
    await expect(registerOAuthClient(withoutRegistration, WEB)).rejects.toMatchObject({
      code: 'registration_unsupported',
    });
    expect(fake.requests).toHaveLength(0);
  });
});

/** Starts a sign-in from `appUrl` and returns the authorization URL's parameters. */
async function start(appUrl = APP, store = memoryStateStore()) {
  fake.on('POST', '/oauth2/registration', json(201, { client_id: 'cid-1' }));
  const started = await startOAuthSignIn({ baseUrl: BASE, metadata: META, appUrl, stateStore: store });
  const url = new URL(started.url);
  return { ...started, store, authorizeUrl: url, params: url.searchParams };
}

function callback(params: Record<string, string>, appUrl = APP): string {
  return `${appUrl}?${new URLSearchParams(params).toString()}`;
}

function answerTokenAndWhoami(deviceId: string) {
  fake.on(
    'POST',
    '/oauth2/token',
    json(200, {
      access_token: 'mat_access_1',
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: 'mar_refresh_1',
      scope: `urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`,
    }),
  );
  fake.on(
    'GET',
    '/_matrix/client/v3/account/whoami',
    json(200, { user_id: '@alice:hs.example', device_id: deviceId }),
  );
}

describe('startOAuthSignIn (authorization request)', () => {
  it('registers, then builds the authorization code + PKCE (S256) request with the Matrix scopes', async () => {
    const { authorizeUrl, params, deviceId, clientId } = await start();
    expect(clientId).toBe('cid-1');
    expect(deviceId).toMatch(/^[A-Z0-9]{10}$/);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(META.authorization_endpoint);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('cid-1');
    expect(params.get('redirect_uri')).toBe(APP);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9-._~]{16,}$/);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('scope')).toBe(`urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`);
    expect(params.get('response_mode')).toBe('query');
    expect(fake.requests.map((r) => r.url.href)).toEqual([META.registration_endpoint]);
  });

  it('from a loopback page: registered as native without the port, redirected back with it', async () => {
    const { params } = await start('http://localhost:5173/');
    expect(fake.requests[0]?.body).toMatchObject({
      application_type: 'native',
      redirect_uris: ['http://localhost/'],
    });
    expect(params.get('redirect_uri')).toBe('http://localhost:5173/');
  });

  it('an explicit choice wins (the CLI’s listener)', async () => {
    fake.on('POST', '/oauth2/registration', json(201, { client_id: 'cid-cli' }));
    const choice: OAuthClientChoice = {
      applicationType: 'native',
      redirectUri: 'http://127.0.0.1:40123/callback',
      registeredRedirectUris: ['http://127.0.0.1/callback'],
      clientUri: DEFAULT_LOOPBACK_CLIENT_URI,
    };
    const { url } = await startOAuthSignIn({
      baseUrl: BASE,
      metadata: META,
      appUrl: choice.redirectUri,
      stateStore: memoryStateStore(),
      choice,
    });
    expect(fake.requests[0]?.body).toMatchObject({ redirect_uris: ['http://127.0.0.1/callback'] });
    expect(new URL(url).searchParams.get('redirect_uri')).toBe('http://127.0.0.1:40123/callback');
  });

  it('stops before any redirect when registration fails', async () => {
    fake.on('POST', '/oauth2/registration', json(400, { error: 'invalid_client_metadata' }));
    await expect(
      startOAuthSignIn({ baseUrl: BASE, metadata: META, appUrl: APP, stateStore: memoryStateStore() }),
    ).rejects.toMatchObject({ code: 'registration_failed' });
  });
});

describe('isOAuthCallback', () => {
  it('needs state with code or error', () => {
    expect(isOAuthCallback(`${APP}?code=c&state=s`)).toBe(true);
    expect(isOAuthCallback(`${APP}?error=access_denied&state=s`)).toBe(true);
    expect(isOAuthCallback(`${APP}#code=c&state=s`)).toBe(true);
    expect(isOAuthCallback(`${APP}?code=c`)).toBe(false);
    expect(isOAuthCallback(`${APP}?state=s`)).toBe(false);
    expect(isOAuthCallback(`${APP}?loginToken=t`)).toBe(false);
  });
});

describe('completeOAuthSignIn', () => {
  it('exchanges the code with the PKCE verifier, asks whoami, and builds an OAuth session', async () => {
    const { params, deviceId, store } = await start();
    answerTokenAndWhoami(deviceId);
    const session = await completeOAuthSignIn(
      callback({ code: 'the-code', state: params.get('state') ?? '' }),
      store,
      { fetch: fake.fetch, now: () => 1_000 },
    );
    const token = fake.requestsTo('/oauth2/token', 'POST');
    expect(token).toHaveLength(1);
    const form = token[0]?.form ?? {};
    expect(token[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: APP,
      client_id: 'cid-1',
    });
    // The verifier is the one whose S256 challenge went to the authorization endpoint.
    expect(form.code_verifier).toMatch(/^[A-Za-z0-9-._~]{43,128}$/);
    expect(
      base64url(
        createHash('sha256')
          .update(form.code_verifier ?? '')
          .digest(),
      ),
    ).toBe(params.get('code_challenge'));
    const whoami = fake.requestsTo('/_matrix/client/v3/account/whoami')[0];
    expect(whoami?.headers.authorization).toBe('Bearer mat_access_1');
    expect(session).toEqual<Session>({
      baseUrl: BASE,
      userId: '@alice:hs.example',
      deviceId,
      accessToken: 'mat_access_1',
      refreshToken: 'mar_refresh_1',
      expiresAt: 1_000 + 300_000,
      authApi: 'oauth',
      loginMethod: 'oauth',
      oauth: {
        clientId: 'cid-1',
        issuer: ISSUER,
        tokenEndpoint: META.token_endpoint,
        revocationEndpoint: META.revocation_endpoint,
      },
    });
  });

  it('denied consent: OAuthError access_denied with the provider’s description, no token request', async () => {
    const { params, store } = await start();
    const answer = callback({
      error: 'access_denied',
      error_description: 'The resource owner denied the request',
      state: params.get('state') ?? '',
    });
    const error = await completeOAuthSignIn(answer, store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'access_denied' });
    expect((error as Error).message).toContain('The resource owner denied the request');
    expect((error as Error).message).toContain('auth.example');
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(0);
    // The pending sign-in is gone: the same answer again is a state mismatch.
    await expect(completeOAuthSignIn(answer, store)).rejects.toMatchObject({ code: 'state_mismatch' });
  });

  it('state mismatch: an answer for a sign-in not started here exchanges nothing', async () => {
    const { store } = await start();
    const error = await completeOAuthSignIn(
      callback({ code: 'c', state: 'someone-elses-state' }),
      store,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'state_mismatch' });
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(0);
    await expect(completeOAuthSignIn(callback({ code: 'c', state: '' }), store)).rejects.toMatchObject({
      code: 'state_mismatch',
    });
  });

  it('an expired (or reused) code: the token endpoint’s invalid_grant becomes OAuthError invalid_grant, no whoami', async () => {
    const { params, store } = await start();
    fake.on(
      'POST',
      '/oauth2/token',
      json(400, { error: 'invalid_grant', error_description: 'authorization code expired' }),
    );
    const error = await completeOAuthSignIn(
      callback({ code: 'old-code', state: params.get('state') ?? '' }),
      store,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'invalid_grant' });
    expect((error as Error).message).toContain('authorization code expired');
    expect((error as Error).message).not.toContain('old-code');
    expect(fake.requestsTo('/_matrix/client/v3/account/whoami')).toHaveLength(0);
  });

  it('a second completion of the same answer fails (the state is consumed) and sends no second token request', async () => {
    const { params, deviceId, store } = await start();
    answerTokenAndWhoami(deviceId);
    const answer = callback({ code: 'the-code', state: params.get('state') ?? '' });
    await completeOAuthSignIn(answer, store);
    await expect(completeOAuthSignIn(answer, store)).rejects.toMatchObject({ code: 'state_mismatch' });
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
  });

  it('the state is consumed even when the exchange fails', async () => {
    const { params, store } = await start();
    fake.on('POST', '/oauth2/token', json(400, { error: 'invalid_grant' }));
    const answer = callback({ code: 'c', state: params.get('state') ?? '' });
    await expect(completeOAuthSignIn(answer, store)).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(completeOAuthSignIn(answer, store)).rejects.toMatchObject({ code: 'state_mismatch' });
    expect(fake.requestsTo('/oauth2/token')).toHaveLength(1);
  });
});

const oauthSession: Session = {
  baseUrl: BASE,
  userId: '@alice:hs.example',
  deviceId: 'ABCDEFGHIJ',
  accessToken: 'mat_access_1',
  refreshToken: 'mar_refresh_1',
  expiresAt: 10_000,
  authApi: 'oauth',
  loginMethod: 'oauth',
  oauth: {
    clientId: 'cid-1',
    issuer: ISSUER,
    tokenEndpoint: META.token_endpoint,
    revocationEndpoint: META.revocation_endpoint,
  },
};

describe('oauthAuthority.refresh (docs/protocol.md §1.5 step 5)', () => {
  it('sends grant_type=refresh_token with the client_id and rotates both tokens and expiresAt', async () => {
    fake.on(
      'POST',
      '/oauth2/token',
      json(200, {
        access_token: 'mat_access_2',
        refresh_token: 'mar_refresh_2',
        token_type: 'bearer',
        expires_in: 600,
      }),
    );
    const next = await oauthAuthority.refresh(oauthSession, { now: () => 50_000 });
    const [request] = fake.requests;
    expect(request?.url.href).toBe(META.token_endpoint);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'mar_refresh_1',
      client_id: 'cid-1',
    });
    // A scope, when sent, is exactly the one granted.
    if (request?.form?.scope !== undefined) {
      expect(request.form.scope).toBe('urn:matrix:client:api:* urn:matrix:client:device:ABCDEFGHIJ');
    }
    expect(next).toEqual({
      ...oauthSession,
      accessToken: 'mat_access_2',
      refreshToken: 'mar_refresh_2',
      expiresAt: 50_000 + 600_000,
    });
  });

  it('keeps the refresh token when none is returned, and drops expiresAt when the server gives none', async () => {
    fake.on('POST', '/oauth2/token', json(200, { access_token: 'mat_access_2', token_type: 'Bearer' }));
    const next = await oauthAuthority.refresh(oauthSession);
    expect(next.refreshToken).toBe('mar_refresh_1');
    expect(next.accessToken).toBe('mat_access_2');
    expect(next).not.toHaveProperty('expiresAt');
  });

  it('a revoked refresh token (400 invalid_grant) is an OAuthError: the session is over', async () => {
    fake.on('POST', '/oauth2/token', json(400, { error: 'invalid_grant', error_description: 'revoked' }));
    const error = await oauthAuthority.refresh(oauthSession).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'invalid_grant' });
    expect((error as Error).message).not.toContain('mar_refresh_1');
  });

  it('a network failure is a plain, retryable error, not an OAuthError', async () => {
    fake.on('POST', '/oauth2/token', new TypeError('fetch failed'));
    const error = await oauthAuthority.refresh(oauthSession).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OAuthError);
  });

  it.each([
    ['a 500 without a body', { status: 500 }],
    [
      'a 502 page from a proxy',
      { status: 502, text: 'Bad gateway', headers: { 'content-type': 'text/html' } },
    ],
    ['a 500 {"error":"server_error"}', json(500, { error: 'server_error' })],
    ['a 503 {"error":"temporarily_unavailable"}', json(503, { error: 'temporarily_unavailable' })],
  ])('%s is a plain, retryable error, not an OAuthError', async (_name, reply) => {
    fake.on('POST', '/oauth2/token', reply);
    const error = await oauthAuthority.refresh(oauthSession).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OAuthError);
  });

  it('a session without a refresh token: OAuthError no_refresh_token, no request', async () => {
    const { refreshToken: _none, ...withoutRefresh } = oauthSession;
    await expect(oauthAuthority.refresh(withoutRefresh)).rejects.toMatchObject({ code: 'no_refresh_token' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('oauthAuthority.logout (docs/protocol.md §1.5 step 6)', () => {
  it('revokes the refresh token, then the access token, with token_type_hint and client_id', async () => {
    fake.on('POST', '/oauth2/revoke', { status: 200 }, 2);
    await oauthAuthority.logout(oauthSession);
    expect(fake.requests.map((r) => [r.url.href, r.form])).toEqual([
      [
        META.revocation_endpoint,
        { token: 'mar_refresh_1', token_type_hint: 'refresh_token', client_id: 'cid-1' },
      ],
      [
        META.revocation_endpoint,
        { token: 'mat_access_1', token_type_hint: 'access_token', client_id: 'cid-1' },
      ],
    ]);
  });

  it('tokens already invalid still get 200 (RFC 7009): done, whatever the empty body’s Content-Type', async () => {
    // oidc-provider (Koa) answers `200` with an empty text/plain body; MAS with no body at all.
    fake.on(
      'POST',
      '/oauth2/revoke',
      { status: 200, text: '', headers: { 'content-type': 'text/plain; charset=utf-8' } },
      2,
    );
    await expect(oauthAuthority.logout(oauthSession)).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(2);
  });

  it('without a refresh token only the access token is revoked', async () => {
    const { refreshToken: _none, ...withoutRefresh } = oauthSession;
    fake.on('POST', '/oauth2/revoke', json(200, {}));
    await oauthAuthority.logout(withoutRefresh);
    expect(fake.requests.map((r) => r.form?.token_type_hint)).toEqual(['access_token']);
  });

  it('a refused revocation rejects', async () => {
    fake.on('POST', '/oauth2/revoke', json(401, { error: 'invalid_client' }));
    await expect(oauthAuthority.logout(oauthSession)).rejects.toBeInstanceOf(Error);
  });
});
