/**
 * Which {@link SessionAuthority} refreshes and ends a session: the legacy API's (`auth.ts`,
 * docs/protocol.md §1.4) or the OAuth 2.0 API's (`oauth.ts`, §1.5), by `Session.authApi`. After
 * sign-in only the API that issued the token is used (§1.3).
 */
import { legacyAuthority, type AuthRequestOptions, type SessionAuthority } from './auth.ts';
import { oauthAuthority } from './oauth.ts';
import type { Session } from './types.ts';

/** The authority for a session's auth API. */
export function authorityFor(session: Session): SessionAuthority {
  return session.authApi === 'oauth' ? oauthAuthority : legacyAuthority;
}

/** A new session with rotated tokens (legacy `POST /v3/refresh`, or the OAuth token endpoint). */
export function refreshSession(session: Session, options?: AuthRequestOptions): Promise<Session> {
  return authorityFor(session).refresh(session, options);
}

/**
 * Ends the session at the server: legacy `POST /v3/logout`, which deletes the device (and its
 * MSC3890 settings, docs/protocol.md §5; a `401` counts as success), or OAuth token revocation.
 */
export function logout(session: Session, options?: AuthRequestOptions): Promise<void> {
  return authorityFor(session).logout(session, options);
}
