/**
 * Sign-in with the Matrix OAuth 2.0 API (spec v1.15; MSC2964–2967; docs/protocol.md §1.5): dynamic
 * client registration, authorization code with PKCE (S256) and `state`, code exchange, refresh and
 * revocation. The protocol work is done by `oidc-client-ts` (`OidcClient`): PKCE, state storage
 * and validation, the token requests. This module adds what is Matrix-specific: the scopes with
 * the device ID we choose, the registration metadata (which application type for which origin), and
 * the session ({@link Session}) built from the tokens and `whoami`.
 *
 * Flow: {@link startOAuthSignIn} registers a client and returns the URL to open; the browser comes
 * back to the redirect URI with `?code&state` (or `error`); {@link completeOAuthSignIn} exchanges
 * the code (once: the stored state is consumed) and asks `whoami`. {@link oauthAuthority} refreshes
 * and revokes for the rest of the session. Tokens never go into URLs or logs.
 */
import type * as OidcModule from 'oidc-client-ts';
import type { OidcClient, StateStore } from 'oidc-client-ts';
import { accessTokenSignIn, type AuthRequestOptions, type SessionAuthority } from './auth.ts';
import { OAuthError } from './errors.ts';
import type { FetchLike } from './http.ts';
import { isRecord } from './json.ts';
import type { OAuthMetadata, Session } from './types.ts';

/** The client name registered with the server and shown on its consent screen. */
export const OAUTH_CLIENT_NAME = 'Account Data Inspector';

/**
 * The `client_uri` registered for an app served from a loopback address, which cannot be its own
 * `client_uri` (that must be https, docs/protocol.md §1.5). The reserved `.invalid` name says
 * honestly that a local copy has no homepage; set `VITE_OAUTH_CLIENT_URI` at build time to name one.
 * ADR 010 has the rules this follows.
 */
export const DEFAULT_LOOPBACK_CLIENT_URI = 'https://account-data-inspector.invalid/';

/** Scope for full client-server API access (spec v1.15). */
export const SCOPE_API = 'urn:matrix:client:api:*';
/** Scope prefix binding the token to a device we choose. */
export const SCOPE_DEVICE_PREFIX = 'urn:matrix:client:device:';

/** What the app registers as, derived from where it is served. */
export type OAuthClientChoice = {
  applicationType: 'web' | 'native';
  /** The redirect URI sent in the authorization and token requests (the page we are on). */
  redirectUri: string;
  /** The redirect URIs registered: for loopback `native` clients, without the port (any port matches). */
  registeredRedirectUris: string[];
  clientUri: string;
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Chooses the registration for an app URL (docs/protocol.md §1.5, recorded in ADR 010):
 * - `https://…` → a `web` client: `client_uri` is the origin, the redirect URI the app's page;
 * - `http://localhost|127.0.0.1|[::1]:port/…` → a `native` client with a loopback redirect URI
 *   registered without its port (RFC 8252 §7.3: servers match loopback redirects on any port), and
 *   `client_uri` = {@link DEFAULT_LOOPBACK_CLIENT_URI} (a `web` client would need https);
 * - anything else (plain http on a real host) cannot be registered: an error says why.
 */
export function chooseOAuthClient(
  appUrl: string,
  loopbackClientUri = DEFAULT_LOOPBACK_CLIENT_URI,
): OAuthClientChoice {
  const url = new URL(appUrl);
  const redirectUri = `${url.origin}${url.pathname}`;
  if (url.protocol === 'https:') {
    return {
      applicationType: 'web',
      redirectUri,
      registeredRedirectUris: [redirectUri],
      clientUri: `${url.origin}/`,
    };
  }
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    return {
      applicationType: 'native',
      redirectUri,
      registeredRedirectUris: [`http://${url.hostname}${url.pathname}`],
      clientUri: loopbackClientUri,
    };
  }
  throw new OAuthError(
    'unsupported_origin',
    `OAuth 2.0 sign-in needs the app served over https or from localhost; ${url.origin} can be neither a web nor a native client.`,
  );
}

/** A device ID for the new session: 10 characters of `[A-Z0-9]` (docs/protocol.md §1.5). */
export function generateDeviceId(random: (n: number) => Uint8Array = randomBytes): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...random(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** The scopes asked for: the whole client-server API, bound to `deviceId`. */
export function oauthScope(deviceId: string): string {
  return `${SCOPE_API} ${SCOPE_DEVICE_PREFIX}${deviceId}`;
}

/** Dynamic client registration (RFC 7591); returns the `client_id`. */
export async function registerOAuthClient(
  metadata: OAuthMetadata,
  choice: OAuthClientChoice,
  options: AuthRequestOptions = {},
): Promise<string> {
  const endpoint = metadata.registration_endpoint;
  if (!endpoint) {
    throw new OAuthError(
      'registration_unsupported',
      `${new URL(metadata.issuer).host} does not offer dynamic client registration, which this app needs.`,
    );
  }
  const body = {
    client_name: OAUTH_CLIENT_NAME,
    client_uri: choice.clientUri,
    redirect_uris: choice.registeredRedirectUris,
    application_type: choice.applicationType,
    token_endpoint_auth_method: 'none',
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
  };
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let res: Response;
  try {
    res = await fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new OAuthError(
      'network',
      `Could not reach ${new URL(endpoint).host} to register: ${describe(error)}`,
    );
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok || !isRecord(json) || typeof json.client_id !== 'string') {
    const reason =
      isRecord(json) && typeof json.error === 'string'
        ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}`
        : `HTTP ${res.status}`;
    throw new OAuthError('registration_failed', `The server refused to register this app (${reason}).`);
  }
  return json.client_id;
}

/** What travels through the authorization redirect in the state store (no secrets besides the PKCE verifier oidc-client-ts keeps). */
type PendingOAuth = {
  baseUrl: string;
  deviceId: string;
  clientId: string;
  redirectUri: string;
  metadata: Pick<
    OAuthMetadata,
    'issuer' | 'authorization_endpoint' | 'token_endpoint' | 'revocation_endpoint'
  >;
};

function isPendingOAuth(value: unknown): value is PendingOAuth {
  return (
    isRecord(value) &&
    typeof value.baseUrl === 'string' &&
    typeof value.deviceId === 'string' &&
    typeof value.clientId === 'string' &&
    typeof value.redirectUri === 'string' &&
    isRecord(value.metadata) &&
    typeof value.metadata.issuer === 'string' &&
    typeof value.metadata.token_endpoint === 'string'
  );
}

/** oidc-client-ts, loaded on first use: the sign-in page does not need it to be interactive (ADR 015). */
type OidcLibrary = typeof OidcModule;
let library: Promise<OidcLibrary> | undefined;
function loadOidc(): Promise<OidcLibrary> {
  library ??= import('oidc-client-ts').catch((error: unknown) => {
    library = undefined; // a failed chunk load (offline) is retried next time
    throw error;
  });
  return library;
}

async function oidcClient(
  metadata: PendingOAuth['metadata'],
  clientId: string,
  redirectUri: string,
  scope: string,
  stateStore: StateStore,
): Promise<OidcClient> {
  const { OidcClient } = await loadOidc();
  return new OidcClient({
    authority: metadata.issuer,
    // Matrix gives the metadata (auth_metadata); no OpenID discovery request is made.
    metadata: {
      issuer: metadata.issuer,
      authorization_endpoint: metadata.authorization_endpoint,
      token_endpoint: metadata.token_endpoint,
      revocation_endpoint: metadata.revocation_endpoint,
    },
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    response_mode: 'query',
    scope,
    stateStore,
    // No OpenID Connect: the scopes have no `openid`, so there is no ID token or userinfo.
    loadUserInfo: false,
    filterProtocolClaims: false,
    // RFC 7009 revocation answers `200` with an empty body, which some servers label `text/plain`
    // (oidc-provider, on Koa); oidc-client-ts refuses any reply whose type it does not list.
    revokeTokenAdditionalContentTypes: ['text/plain'],
  });
}

/** The parts of the Web Storage API a state store uses. */
type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const STATE_PREFIX = 'adi.oauth.';

/**
 * oidc-client-ts's `StateStore` over a Web Storage area, written here (it is a few lines) so that
 * creating one does not load the library: the same layout as its `WebStorageStateStore` (keys
 * prefixed `adi.oauth.`, values as given).
 */
function storageStateStore(storage: KeyValueStorage): StateStore {
  return {
    set(key, value) {
      storage.setItem(STATE_PREFIX + key, value);
      return Promise.resolve();
    },
    get(key) {
      return Promise.resolve(storage.getItem(STATE_PREFIX + key));
    },
    remove(key) {
      const value = storage.getItem(STATE_PREFIX + key);
      storage.removeItem(STATE_PREFIX + key);
      return Promise.resolve(value);
    },
    getAllKeys() {
      const keys: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(STATE_PREFIX)) keys.push(key.slice(STATE_PREFIX.length));
      }
      return Promise.resolve(keys);
    },
  };
}

/** Where the pending sign-in's state (PKCE verifier included) is kept across the redirect. */
export function browserStateStore(): StateStore {
  return storageStateStore(globalThis.sessionStorage);
}

/** A state store in memory (the CLI: one process covers the whole flow). */
export function memoryStateStore(): StateStore {
  const items = new Map<string, string>();
  return storageStateStore({
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value);
    },
    removeItem: (key) => {
      items.delete(key);
    },
    key: (index) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  });
}

/** Starting a sign-in: registers a client and returns the URL to open. */
export async function startOAuthSignIn(params: {
  baseUrl: string;
  metadata: OAuthMetadata;
  /** The page the server should send the browser back to (the app's own URL, no query). */
  appUrl: string;
  stateStore: StateStore;
  /** `native` clients whose redirect is not a loopback URL of `appUrl` (the CLI's listener). */
  choice?: OAuthClientChoice;
  options?: AuthRequestOptions;
}): Promise<{ url: string; deviceId: string; clientId: string }> {
  const choice = params.choice ?? chooseOAuthClient(params.appUrl, loopbackClientUri());
  const clientId = await registerOAuthClient(params.metadata, choice, params.options);
  const deviceId = generateDeviceId();
  const pending: PendingOAuth = {
    baseUrl: params.baseUrl,
    deviceId,
    clientId,
    redirectUri: choice.redirectUri,
    metadata: {
      issuer: params.metadata.issuer,
      authorization_endpoint: params.metadata.authorization_endpoint,
      token_endpoint: params.metadata.token_endpoint,
      revocation_endpoint: params.metadata.revocation_endpoint,
    },
  };
  const client = await oidcClient(
    pending.metadata,
    clientId,
    choice.redirectUri,
    oauthScope(deviceId),
    params.stateStore,
  );
  const request = await client.createSigninRequest({ state: pending });
  return { url: request.url, deviceId, clientId };
}

/** True when a URL carries an OAuth authorization response (`state` with `code` or `error`). */
export function isOAuthCallback(url: string): boolean {
  const params = callbackParams(url);
  return params.has('state') && (params.has('code') || params.has('error'));
}

function callbackParams(url: string): URLSearchParams {
  const parsed = new URL(url);
  const query = new URLSearchParams(parsed.search);
  return query.has('state') ? query : new URLSearchParams(parsed.hash.replace(/^#/, ''));
}

/**
 * Completes a sign-in from the callback URL: checks `state`, exchanges the code with the PKCE
 * verifier, then reads `whoami`. The stored state is consumed, so a second call with the same URL
 * fails — callers must call this once per callback (React StrictMode mounts effects twice).
 *
 * @throws {@link OAuthError}: `access_denied` and other server errors (with the server's own
 *   description), `state_mismatch` (no pending sign-in for this `state`), `invalid_grant` (an
 *   expired or reused code).
 */
export async function completeOAuthSignIn(
  callbackUrl: string,
  stateStore: StateStore,
  options: AuthRequestOptions = {},
): Promise<Session> {
  const params = callbackParams(callbackUrl);
  const stateId = params.get('state') ?? '';
  const stored = await stateStore.get(stateId);
  const pending = parseStoredState(stored);
  if (!pending) {
    throw new OAuthError(
      'state_mismatch',
      'This sign-in answer does not match a sign-in started here (state mismatch); nothing was exchanged. Start again.',
    );
  }
  const error = params.get('error');
  if (error !== null) {
    await stateStore.remove(stateId);
    throw new OAuthError(error, describeAuthorizationError(error, params.get('error_description'), pending));
  }
  const { metadata, clientId, redirectUri, deviceId } = pending;
  let response;
  try {
    const client = await oidcClient(metadata, clientId, redirectUri, oauthScope(deviceId), stateStore);
    response = await client.processSigninResponse(callbackUrl);
  } catch (caught) {
    throw await toOAuthError(caught, metadata.issuer);
  }
  const now = (options.now ?? Date.now)();
  // whoami checks the token and names the user and device. The device is normally the one the
  // scope asked for; if a server chose another, its answer is what the session uses.
  const checked = await accessTokenSignIn.signIn(
    pending.baseUrl,
    { accessToken: response.access_token },
    options,
  );
  const session: Session = {
    ...checked,
    authApi: 'oauth',
    loginMethod: 'oauth',
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(typeof response.expires_in === 'number' ? { expiresAt: now + response.expires_in * 1000 } : {}),
    oauth: {
      clientId,
      issuer: metadata.issuer,
      tokenEndpoint: metadata.token_endpoint,
      revocationEndpoint: metadata.revocation_endpoint,
    },
  };
  return session;
}

/** The pending sign-in stored by {@link startOAuthSignIn}, from oidc-client-ts's stored state. */
function parseStoredState(stored: string | null): PendingOAuth | null {
  if (stored === null) return null;
  try {
    const state: unknown = JSON.parse(stored);
    return isRecord(state) && isPendingOAuth(state.data) ? state.data : null;
  } catch {
    return null;
  }
}

function describeAuthorizationError(
  error: string,
  description: string | null,
  pending: PendingOAuth,
): string {
  const host = new URL(pending.metadata.issuer).host;
  const detail = description ? ` (${description})` : '';
  if (error === 'access_denied')
    return `${host} says access was denied${detail}: the consent was refused or cancelled.`;
  return `${host} answered ${error}${detail}.`;
}

/**
 * OAuth error codes that mean "not now" rather than "no" (RFC 6749 §4.1.2.1), sent with a 5xx:
 * like a network failure, they leave the grant alone (docs/protocol.md §1.5 step 5).
 */
const TRANSIENT_OAUTH_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

/** Maps what oidc-client-ts throws to {@link OAuthError}; network failures and 5xx stay retryable. */
async function toOAuthError(caught: unknown, issuer: string): Promise<Error> {
  if (caught instanceof OAuthError) return caught;
  // Only reached after the library loaded (it threw this), unless loading it failed: then the
  // load error is what is reported.
  const ErrorResponse = await loadOidc().then(
    (lib) => lib.ErrorResponse,
    () => null,
  );
  if (ErrorResponse && caught instanceof ErrorResponse) {
    const code = caught.error ?? 'server_error';
    const host = new URL(issuer).host;
    const detail = caught.error_description ? ` (${caught.error_description})` : '';
    // oidc-client-ts keeps no HTTP status, only the body's `error`.
    if (TRANSIENT_OAUTH_ERRORS.has(code)) return new Error(`${host} is unavailable (${code}${detail}).`);
    const text =
      code === 'invalid_grant'
        ? `${host} refused the grant${detail}: the code or token expired, was used already, or was revoked.`
        : `${host} answered ${code}${detail}.`;
    return new OAuthError(code, text);
  }
  if (caught instanceof Error && /No matching state/i.test(caught.message)) {
    return new OAuthError(
      'state_mismatch',
      'This sign-in answer does not match a sign-in started here (state mismatch).',
    );
  }
  return caught instanceof Error ? caught : new Error(String(caught));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function loopbackClientUri(): string {
  const env = (import.meta as { env?: Record<string, string | undefined> }).env;
  return env?.VITE_OAUTH_CLIENT_URI ?? DEFAULT_LOOPBACK_CLIENT_URI;
}

async function clientForSession(session: Session): Promise<OidcClient> {
  const oauth = session.oauth;
  if (!oauth) throw new OAuthError('invalid_session', 'This OAuth 2.0 session lacks its client details.');
  return oidcClient(
    {
      issuer: oauth.issuer,
      authorization_endpoint: oauth.issuer,
      token_endpoint: oauth.tokenEndpoint,
      revocation_endpoint: oauth.revocationEndpoint,
    },
    oauth.clientId,
    oauth.issuer,
    oauthScope(session.deviceId),
    memoryStateStore(),
  );
}

/**
 * Refresh and logout of OAuth 2.0 sessions (docs/protocol.md §1.5 steps 5–6). A refresh that the
 * server answers with an OAuth error (a 4xx: revoked, expired) ends the session ({@link OAuthError});
 * a network failure or a 5xx is thrown as a plain error, so the caller retries with the same token.
 * Logout revokes the refresh token and the access token; an already invalid token counts as done.
 */
export const oauthAuthority: SessionAuthority = {
  async refresh(session, options = {}) {
    if (!session.refreshToken) {
      throw new OAuthError('no_refresh_token', 'The server issued no refresh token; sign in again.');
    }
    const now = (options.now ?? Date.now)();
    let response;
    try {
      const client = await clientForSession(session);
      response = await client.useRefreshToken({
        // oidc-client-ts types this as its `RefreshState` class but does not export that class at
        // run time (3.5.0), and reads only these fields; a plain object is what it can be given.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        state: {
          refresh_token: session.refreshToken,
          session_state: null,
          // No OpenID Connect here (no ID token); a profile object is required regardless.
          profile: { sub: session.userId, iss: session.oauth?.issuer ?? '', aud: '', exp: 0, iat: 0 },
          scope: oauthScope(session.deviceId),
        },
      });
    } catch (caught) {
      throw await toOAuthError(caught, session.oauth?.issuer ?? session.baseUrl);
    }
    const { expiresAt: _old, ...rest } = session;
    return {
      ...rest,
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? session.refreshToken,
      ...(typeof response.expires_in === 'number' ? { expiresAt: now + response.expires_in * 1000 } : {}),
    };
  },

  async logout(session) {
    const client = await clientForSession(session);
    // Revoking the refresh token ends the grant; the access token is revoked too in case the
    // server treats them separately. Both answer 200 for tokens already invalid (RFC 7009 §2.2).
    if (session.refreshToken) await client.revokeToken(session.refreshToken, 'refresh_token');
    await client.revokeToken(session.accessToken, 'access_token');
  },
};
