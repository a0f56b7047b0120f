/**
 * The signed-in session. Created once per app instance (not a module singleton: it holds a token).
 */
import { createStore } from 'zustand';
import {
  isAppserviceSession,
  type AnySession,
  type ServerCapabilities,
  type Session,
} from '../matrix/types.ts';
import type { SignInResume } from '../features/session/sign-in-page.tsx';
import { clearSession, loadSession, saveSession } from '../features/session/session-persistence.ts';

export type SessionState = {
  /** A user's own session, or an application service's (docs/protocol.md §7). */
  session: AnySession | null;
  /**
   * What the sign-in page probed for this session's server (issue #7: hand it to the session rather
   * than probing again before the first sync). Kept in memory only; after a reload it is probed anew.
   */
  capabilities: ServerCapabilities | undefined;
  remember: boolean;
  /** Why the user is looking at the sign-in page, if not by choice. */
  notice: string | undefined;
  /**
   * After a soft logout (docs/protocol.md §1.4): sign in again to the same server, as the same user, on the
   * same device, so the device keeps its state.
   */
  resume: SignInResume | undefined;
  actions: {
    signedIn: (session: AnySession, remember: boolean, capabilities?: ServerCapabilities) => void;
    sessionRefreshed: (session: Session) => void;
    /** An application service's user list changed (kept with the session, no secret in it). */
    appserviceUsersChanged: (users: string[]) => void;
    signedOut: () => void;
    sessionExpired: (softLogout: boolean) => void;
  };
};

export function createSessionStore() {
  const restored = loadSession();
  return createStore<SessionState>()((set, get) => ({
    session: restored?.session ?? null,
    capabilities: undefined,
    remember: restored?.remember ?? true,
    notice: undefined,
    resume: undefined,
    actions: {
      signedIn: (session, remember, capabilities) => {
        saveSession(session, remember);
        set({ session, capabilities, remember, notice: undefined, resume: undefined });
      },
      sessionRefreshed: (session) => {
        saveSession(session, get().remember);
        set({ session });
      },
      appserviceUsersChanged: (users) => {
        const current = get().session;
        if (!current || !isAppserviceSession(current)) return;
        const session = { ...current, users };
        saveSession(session, get().remember);
        set({ session });
      },
      signedOut: () => {
        clearSession();
        set({ session: null, capabilities: undefined, notice: undefined, resume: undefined });
      },
      sessionExpired: (softLogout) => {
        const previous = get().session;
        clearSession();
        if (previous && isAppserviceSession(previous)) {
          set({
            session: null,
            capabilities: undefined,
            resume: undefined,
            notice:
              'The homeserver no longer accepts the application service’s as_token: its registration was changed or removed.',
          });
          return;
        }
        set({
          session: null,
          capabilities: undefined,
          resume:
            softLogout && previous
              ? { baseUrl: previous.baseUrl, userId: previous.userId, deviceId: previous.deviceId }
              : undefined,
          notice: softLogout
            ? 'Your session expired. Sign in again to continue.'
            : 'You were signed out: this device was removed or its token was revoked.',
        });
      },
    },
  }));
}

export type SessionStore = ReturnType<typeof createSessionStore>;
