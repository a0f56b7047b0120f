/**
 * Coming back from a sign-in that left the app: single sign-on (`?loginToken=…`, docs/protocol.md
 * §1.4) or OAuth 2.0 (`?code=…&state=…` or `?error=…&state=…`, §1.5).
 *
 * - Before leaving, the method records where it went ({@link rememberPendingSignIn}: the homeserver
 *   and "Remember me" — never a secret) in `sessionStorage`, which survives the round trip in this
 *   tab only.
 * - On the way back, {@link takeRedirectReturn} reads the answer once and removes it from the address
 *   bar at once (`history.replaceState`), so a login token or code is never bookmarked, shared,
 *   reloaded or left in the history.
 * - {@link completeRedirectSignIn} exchanges it **exactly once** per answer, however often it is
 *   called: React StrictMode mounts effects twice in development, and a login token or code can be
 *   used only once.
 */
import { loginTokenSignIn } from '../../matrix/auth.ts';
import { browserStateStore, completeOAuthSignIn, isOAuthCallback } from '../../matrix/oauth.ts';
import type { Session } from '../../matrix/types.ts';

/** What a method records before the browser leaves for the server or its identity provider. */
export type PendingSignIn = {
  method: 'sso' | 'oauth';
  baseUrl: string;
  remember: boolean;
  startedAt: number;
};

/** What the browser brought back. */
export type RedirectReturn =
  | { kind: 'sso'; loginToken: string; pending: PendingSignIn | null }
  | { kind: 'oauth'; callbackUrl: string; pending: PendingSignIn | null };

const PENDING_KEY = 'adi.pending-sign-in';
/** Query parameters of a sign-in answer, all removed from the address bar. */
const ANSWER_PARAMS = [
  'loginToken',
  'code',
  'state',
  'error',
  'error_description',
  'error_uri',
  'iss',
  'session_state',
];

/** Records the sign-in about to leave the app (no secrets: the server and "Remember me"). */
export function rememberPendingSignIn(pending: Omit<PendingSignIn, 'startedAt'>, now = Date.now()): void {
  try {
    globalThis.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ ...pending, startedAt: now }));
  } catch {
    // Storage disabled: the return still works with what the answer itself says.
  }
}

function readPending(): PendingSignIn | null {
  try {
    const raw = globalThis.sessionStorage.getItem(PENDING_KEY);
    globalThis.sessionStorage.removeItem(PENDING_KEY);
    if (raw === null) return null;
    const value = JSON.parse(raw) as Partial<PendingSignIn>;
    if (
      (value.method === 'sso' || value.method === 'oauth') &&
      typeof value.baseUrl === 'string' &&
      typeof value.remember === 'boolean' &&
      typeof value.startedAt === 'number'
    ) {
      return value as PendingSignIn;
    }
    return null;
  } catch {
    return null;
  }
}

let taken: { result: RedirectReturn | null } | undefined;

/**
 * The sign-in answer in the current URL, if any, read once per page load and removed from the
 * address bar. Later calls return the same result (without touching the URL again).
 */
export function takeRedirectReturn(
  location: Pick<Location, 'href'> = globalThis.location,
  history: Pick<History, 'replaceState' | 'state'> = globalThis.history,
): RedirectReturn | null {
  if (taken) return taken.result;
  const url = new URL(location.href);
  const loginToken = url.searchParams.get('loginToken');
  let result: RedirectReturn | null = null;
  if (loginToken !== null && loginToken !== '') {
    result = { kind: 'sso', loginToken, pending: readPending() };
  } else if (isOAuthCallback(url.href)) {
    result = { kind: 'oauth', callbackUrl: url.href, pending: readPending() };
  }
  if (result) {
    for (const name of ANSWER_PARAMS) url.searchParams.delete(name);
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  taken = { result };
  return result;
}

/** Forgets what {@link takeRedirectReturn} read (tests only). */
export function resetRedirectReturnForTests(): void {
  taken = undefined;
  exchanges.clear();
}

const exchanges = new Map<string, Promise<Session>>();

/**
 * Turns the answer into a session, once per answer: a second call (StrictMode's second mount)
 * gets the first call's promise. SSO: `m.login.token` with the device name "Account Data
 * Inspector". OAuth: code exchange with the PKCE verifier, then `whoami`.
 */
export function completeRedirectSignIn(ret: RedirectReturn): Promise<Session> {
  const key = ret.kind === 'sso' ? `sso:${ret.loginToken}` : `oauth:${ret.callbackUrl}`;
  let exchange = exchanges.get(key);
  if (!exchange) {
    exchange = exchangeOnce(ret);
    exchanges.set(key, exchange);
  }
  return exchange;
}

async function exchangeOnce(ret: RedirectReturn): Promise<Session> {
  if (ret.kind === 'oauth') return completeOAuthSignIn(ret.callbackUrl, browserStateStore());
  if (!ret.pending) {
    throw new Error(
      'This single sign-on answer does not belong to a sign-in started in this tab, so it was not used. Start again.',
    );
  }
  return loginTokenSignIn.signIn(ret.pending.baseUrl, { loginToken: ret.loginToken });
}
