/**
 * Where a session survives reloads. "Remember me" keeps it in localStorage (survives closing the
 * browser); otherwise sessionStorage (survives reloads of this tab only). Never in a URL, never logged.
 * An application service's session is kept the same way (its `as_token`; it never holds the
 * registration's `hs_token`).
 */
import type { AnySession, AppserviceSession, Session } from '../../matrix/types.ts';

const KEY = 'account-data-inspector.session.v1';

type Stored = { version: number; session: unknown };

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.baseUrl === 'string' &&
    typeof s.userId === 'string' &&
    typeof s.deviceId === 'string' &&
    typeof s.accessToken === 'string' &&
    (s.authApi === 'legacy' || s.authApi === 'oauth')
  );
}

function isAppservice(value: unknown): value is AppserviceSession {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    s.kind === 'appservice' &&
    typeof s.baseUrl === 'string' &&
    typeof s.asToken === 'string' &&
    typeof s.registrationId === 'string' &&
    typeof s.senderUserId === 'string' &&
    Array.isArray(s.userRegexes) &&
    s.userRegexes.every((r) => typeof r === 'string') &&
    (s.url === undefined || typeof s.url === 'string') &&
    (s.users === undefined || (Array.isArray(s.users) && s.users.every((u) => typeof u === 'string')))
  );
}

function storages(): Storage[] {
  const out: Storage[] = [];
  try {
    out.push(window.localStorage, window.sessionStorage);
  } catch {
    // Storage can be disabled (privacy mode); then sessions simply do not persist.
  }
  return out;
}

/** Returns the persisted session and whether it was remembered (localStorage). */
export function loadSession(): { session: AnySession; remember: boolean } | null {
  for (const storage of storages()) {
    const raw = storage.getItem(KEY);
    if (!raw) continue;
    try {
      const parsed = JSON.parse(raw) as Partial<Stored>;
      if (parsed.version === 1 && (isSession(parsed.session) || isAppservice(parsed.session))) {
        return { session: parsed.session, remember: storage === window.localStorage };
      }
    } catch {
      // Corrupt entry: ignore it and let the user sign in again.
    }
    storage.removeItem(KEY);
  }
  return null;
}

export function saveSession(session: AnySession, remember: boolean): void {
  clearSession();
  const storage = remember ? window.localStorage : window.sessionStorage;
  const stored: Stored = { version: 1, session };
  storage.setItem(KEY, JSON.stringify(stored));
}

export function clearSession(): void {
  for (const storage of storages()) storage.removeItem(KEY);
}
