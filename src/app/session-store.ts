/**
 * The signed-in session. Created once per app instance (not a module singleton: it holds a token).
 */
import { createStore } from 'zustand';
import type { Session } from '../matrix/types.ts';
import type { SignInResume } from '../features/session/sign-in-page.tsx';
import { clearSession, loadSession, saveSession } from '../features/session/session-persistence.ts';

export type SessionState = {
  session: Session | null;
  remember: boolean;
  /** Why the user is looking at the sign-in page, if not by choice. */
  notice: string | undefined;
  /**
   * After a soft logout (PROTOCOL §1.4): sign in again to the same server, as the same user, on the
   * same device, so the device keeps its state.
   */
  resume: SignInResume | undefined;
  actions: {
    signedIn: (session: Session, remember: boolean) => void;
    sessionRefreshed: (session: Session) => void;
    signedOut: () => void;
    sessionExpired: (softLogout: boolean) => void;
  };
};

export function createSessionStore() {
  const restored = loadSession();
  return createStore<SessionState>()((set, get) => ({
    session: restored?.session ?? null,
    remember: restored?.remember ?? true,
    notice: undefined,
    resume: undefined,
    actions: {
      signedIn: (session, remember) => {
        saveSession(session, remember);
        set({ session, remember, notice: undefined, resume: undefined });
      },
      sessionRefreshed: (session) => {
        saveSession(session, get().remember);
        set({ session });
      },
      signedOut: () => {
        clearSession();
        set({ session: null, notice: undefined, resume: undefined });
      },
      sessionExpired: (softLogout) => {
        const previous = get().session;
        clearSession();
        set({
          session: null,
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
