/**
 * Sign-in, refresh and logout for the legacy auth API (docs/protocol.md §1.4), structured as pluggable
 * {@link SignInMethod}s (how a session starts) and {@link SessionAuthority}s (how a session is
 * refreshed and ended, per `Session.authApi`). SSO completes through {@link loginTokenSignIn};
 * OAuth 2.0 (docs/protocol.md §1.5) lives in `oauth.ts`; `authorities.ts` picks a session's authority.
 *
 * Tokens are never logged, never put into URLs and never included in error messages.
 */
import { ClientRefusedError, MatrixApiError, MatrixResponseError } from './errors.ts';
import { CLIENT_V3, HttpClient, matrixPath, normaliseBaseUrl, type FetchLike } from './http.ts';
import { isRecord } from './json.ts';
import type { ServerCapabilities, Session } from './types.ts';

/** `initial_device_display_name` used when the caller gives none. */
export const DEFAULT_DEVICE_DISPLAY_NAME = 'Account Data Inspector';

/** Password login type (docs/protocol.md §1.4). */
export const LOGIN_TYPE_PASSWORD = 'm.login.password';
/** Login type exchanging an SSO `loginToken`. */
export const LOGIN_TYPE_TOKEN = 'm.login.token';
/** Login flow type advertising SSO identity providers. */
export const LOGIN_TYPE_SSO = 'm.login.sso';

/** Options shared by the auth functions. */
export type AuthRequestOptions = {
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Clock for `expiresAt` (tests). */
  now?: () => number;
};

/** Password sign-in parameters. */
export type PasswordCredentials = {
  /** Localpart or full user ID (`m.id.user` accepts both). */
  user: string;
  password: string;
  deviceDisplayName?: string;
  /** Re-use a device (re-login after soft logout keeps its state, docs/protocol.md §1.4). */
  deviceId?: string;
};

/**
 * One way to start a session. The UI lists the methods whose {@link isAvailable} holds for the
 * server's capabilities.
 */
export interface SignInMethod<Params> {
  readonly loginMethod: Session['loginMethod'];
  readonly authApi: Session['authApi'];
  isAvailable(capabilities: ServerCapabilities): boolean;
  signIn(baseUrl: string, params: Params, options?: AuthRequestOptions): Promise<Session>;
}

/** Refresh and logout for sessions issued by one auth API. */
export interface SessionAuthority {
  /** @throws {@link MatrixApiError} (any 4xx means the session is over) or a network error (retry). */
  refresh(session: Session, options?: AuthRequestOptions): Promise<Session>;
  logout(session: Session, options?: AuthRequestOptions): Promise<void>;
}

/** Where the app keeps the session between page loads; implemented on localStorage/IndexedDB. */
export interface SessionStore {
  load(): Promise<Session | null>;
  save(session: Session): Promise<void>;
  clear(): Promise<void>;
}

/** A {@link SessionStore} in memory (CLI and tests). */
export class MemorySessionStore implements SessionStore {
  private session: Session | null = null;

  load(): Promise<Session | null> {
    return Promise.resolve(this.session);
  }

  save(session: Session): Promise<void> {
    this.session = session;
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.session = null;
    return Promise.resolve();
  }
}

type LoginResponse = {
  user_id: string;
  access_token: string;
  device_id: string;
  expires_in_ms?: number;
  refresh_token?: string;
};

function http(baseUrl: string, options: AuthRequestOptions, token?: string): HttpClient {
  return new HttpClient({
    baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(token ? { getAccessToken: () => token } : {}),
  });
}

/** `POST /v3/login` with `refresh_token: true`, producing a legacy session. */
async function postLogin(
  baseUrl: string,
  body: Record<string, unknown>,
  loginMethod: Session['loginMethod'],
  options: AuthRequestOptions,
): Promise<Session> {
  const path = matrixPath(CLIENT_V3, 'login');
  const res = await http(baseUrl, options).request('POST', path, {
    body: { ...body, refresh_token: true },
    signal: options.signal,
    authenticated: false,
  });
  if (
    !isRecord(res) ||
    typeof res.user_id !== 'string' ||
    typeof res.access_token !== 'string' ||
    typeof res.device_id !== 'string'
  ) {
    throw new MatrixResponseError({ method: 'POST', path, status: 200, detail: 'incomplete login response' });
  }
  const login = res as LoginResponse;
  const now = (options.now ?? Date.now)();
  return {
    baseUrl: normaliseBaseUrl(baseUrl),
    userId: login.user_id,
    deviceId: login.device_id,
    accessToken: login.access_token,
    ...(typeof login.refresh_token === 'string' ? { refreshToken: login.refresh_token } : {}),
    ...(typeof login.expires_in_ms === 'number' ? { expiresAt: now + login.expires_in_ms } : {}),
    authApi: 'legacy',
    loginMethod,
  };
}

function hasFlow(capabilities: ServerCapabilities, type: string): boolean {
  return capabilities.loginFlows?.some((f) => f.type === type) ?? false;
}

/**
 * `m.login.password` with an `m.id.user` identifier. Synapse 1.160 issues a refresh token whenever
 * asked (5-minute access tokens by default, docs/protocol.md §1.4); other servers may not, so
 * `refreshToken`/`expiresAt` may be absent.
 */
export const passwordSignIn: SignInMethod<PasswordCredentials> = {
  loginMethod: 'password',
  authApi: 'legacy',
  isAvailable: (capabilities) => hasFlow(capabilities, LOGIN_TYPE_PASSWORD),
  signIn: (baseUrl, params, options = {}) =>
    postLogin(
      baseUrl,
      {
        type: LOGIN_TYPE_PASSWORD,
        identifier: { type: 'm.id.user', user: params.user },
        password: params.password,
        initial_device_display_name: params.deviceDisplayName ?? DEFAULT_DEVICE_DISPLAY_NAME,
        ...(params.deviceId ? { device_id: params.deviceId } : {}),
      },
      'password',
      options,
    ),
};

/**
 * `m.login.token`: exchanges the `loginToken` an SSO redirect returns (2 min, single use on
 * Synapse; docs/protocol.md §1.4).
 */
export const loginTokenSignIn: SignInMethod<{ loginToken: string; deviceDisplayName?: string }> = {
  loginMethod: 'sso',
  authApi: 'legacy',
  isAvailable: (capabilities) => hasFlow(capabilities, LOGIN_TYPE_TOKEN),
  signIn: (baseUrl, params, options = {}) =>
    postLogin(
      baseUrl,
      {
        type: LOGIN_TYPE_TOKEN,
        token: params.loginToken,
        initial_device_display_name: params.deviceDisplayName ?? DEFAULT_DEVICE_DISPLAY_NAME,
      },
      'sso',
      options,
    ),
};

/** `GET /v3/account/whoami` response. */
export type WhoamiResponse = { user_id: string; device_id?: string; is_guest?: boolean };

/**
 * Uses an existing access token, validated with `/v3/account/whoami`. The token must be bound to a
 * device (sliding sync's `conn_id` is per device; docs/protocol.md §4.1) and not a guest's. It is recorded
 * as `authApi: 'legacy'` with no refresh token: the app cannot refresh or tell OAuth tokens apart.
 * Prefer a dedicated device: `/v3/sync` drains the device's to-device queue (docs/protocol.md §4.6).
 */
export const accessTokenSignIn: SignInMethod<{ accessToken: string }> = {
  loginMethod: 'token',
  authApi: 'legacy',
  isAvailable: () => true,
  signIn: async (baseUrl, params, options = {}) => {
    const token = params.accessToken.trim();
    const path = matrixPath(CLIENT_V3, 'account', 'whoami');
    const res = await http(baseUrl, options, token).request('GET', path, { signal: options.signal });
    if (!isRecord(res) || typeof res.user_id !== 'string') {
      throw new MatrixResponseError({
        method: 'GET',
        path,
        status: 200,
        detail: 'incomplete whoami response',
      });
    }
    if (res.is_guest === true) {
      throw new ClientRefusedError('guest', 'Guest accounts cannot read or write account data.');
    }
    if (typeof res.device_id !== 'string' || res.device_id === '') {
      throw new ClientRefusedError(
        'not-device-bound',
        'This access token is not bound to a device (e.g. an appservice token); sign in with a device token.',
      );
    }
    return {
      baseUrl: normaliseBaseUrl(baseUrl),
      userId: res.user_id,
      deviceId: res.device_id,
      accessToken: token,
      authApi: 'legacy',
      loginMethod: 'token',
    };
  },
};

/** Password login (docs/protocol.md §1.4); see {@link passwordSignIn}. */
export function loginWithPassword(
  baseUrl: string,
  credentials: PasswordCredentials,
  options?: AuthRequestOptions,
): Promise<Session> {
  return passwordSignIn.signIn(baseUrl, credentials, options);
}

/** Existing access token, checked with whoami; see {@link accessTokenSignIn}. */
export function loginWithAccessToken(
  baseUrl: string,
  accessToken: string,
  options?: AuthRequestOptions,
): Promise<Session> {
  return accessTokenSignIn.signIn(baseUrl, { accessToken }, options);
}

/** SSO completion: exchange the redirect's `loginToken`; see {@link loginTokenSignIn}. */
export function loginWithLoginToken(
  baseUrl: string,
  loginToken: string,
  options?: AuthRequestOptions,
): Promise<Session> {
  return loginTokenSignIn.signIn(baseUrl, { loginToken }, options);
}

/**
 * The URL to open for SSO (docs/protocol.md §1.4): `…/v3/login/sso/redirect[/{idpId}]?redirectUrl=…`.
 * The browser comes back to `redirectUrl?loginToken=…`; pass it to {@link loginWithLoginToken}.
 */
export function ssoRedirectUrl(
  baseUrl: string,
  redirectUrl: string,
  options: { idpId?: string; action?: 'login' | 'register' } = {},
): string {
  const segments = ['login', 'sso', 'redirect', ...(options.idpId ? [options.idpId] : [])];
  const query = new URLSearchParams({ redirectUrl });
  if (options.action) query.set('action', options.action);
  return `${normaliseBaseUrl(baseUrl)}${matrixPath(CLIENT_V3, ...segments)}?${query.toString()}`;
}

/** Refresh and logout for `authApi: 'legacy'` sessions (docs/protocol.md §1.4). */
export const legacyAuthority: SessionAuthority = {
  async refresh(session, options = {}) {
    if (!session.refreshToken) {
      throw new ClientRefusedError('no-refresh-token', 'This session has no refresh token; sign in again.');
    }
    // No Authorization header: the access token may already be expired.
    const path = matrixPath(CLIENT_V3, 'refresh');
    const client = new HttpClient({
      baseUrl: session.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      getSecrets: () => [session.refreshToken, session.accessToken],
    });
    const res = await client.request('POST', path, {
      body: { refresh_token: session.refreshToken },
      signal: options.signal,
      authenticated: false,
    });
    if (!isRecord(res) || typeof res.access_token !== 'string') {
      throw new MatrixResponseError({
        method: 'POST',
        path,
        status: 200,
        detail: 'incomplete refresh response',
      });
    }
    const now = (options.now ?? Date.now)();
    const { expiresAt: _old, ...rest } = session;
    return {
      ...rest,
      accessToken: res.access_token,
      // "If not given, the old refresh token can be re-used."
      refreshToken: typeof res.refresh_token === 'string' ? res.refresh_token : session.refreshToken,
      ...(typeof res.expires_in_ms === 'number' ? { expiresAt: now + res.expires_in_ms } : {}),
    };
  },

  async logout(session, options = {}) {
    try {
      await http(session.baseUrl, options, session.accessToken).request(
        'POST',
        matrixPath(CLIENT_V3, 'logout'),
        {
          body: {},
          signal: options.signal,
        },
      );
    } catch (error) {
      // Already gone: the device is deleted or the token unknown — the outcome the caller wanted.
      if (error instanceof MatrixApiError && error.status === 401) return;
      throw error;
    }
  },
};

/** How an auth failure affects the session (docs/protocol.md §1.4 soft logout). */
export type SessionInvalidation = {
  /** `true`: refresh, or re-login with the same device keeping local state; `false`: wipe. */
  softLogout: boolean;
};

/**
 * Classifies an error: `401 M_UNKNOWN_TOKEN` (with `soft_logout`), `401 M_MISSING_TOKEN` or
 * `401 M_USER_LOCKED` invalidate the session; anything else returns null.
 */
export function sessionInvalidation(error: unknown): SessionInvalidation | null {
  if (!(error instanceof MatrixApiError) || error.status !== 401) return null;
  switch (error.errcode) {
    case 'M_UNKNOWN_TOKEN':
      return { softLogout: error.softLogout ?? false };
    case 'M_USER_LOCKED':
      return { softLogout: true };
    case 'M_MISSING_TOKEN':
      return { softLogout: false };
    default:
      return null;
  }
}
