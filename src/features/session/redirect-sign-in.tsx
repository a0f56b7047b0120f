/**
 * The screen shown while a sign-in that came back from the server (SSO login token, OAuth code;
 * `redirect-return.ts`) is exchanged for a session. It calls {@link completeRedirectSignIn}, which
 * exchanges each answer once however often StrictMode mounts this component.
 */
import { useEffect } from 'react';
import { Spinner } from '../../components/spinner.tsx';
import type { Session } from '../../matrix/types.ts';
import { signInErrorMessage } from './error-message.ts';
import { completeRedirectSignIn, type RedirectReturn } from './redirect-return.ts';

export type RedirectSignInProps = {
  redirect: RedirectReturn;
  onSignedIn: (session: Session, remember: boolean) => void;
  /** `message` says why, in words for people; `baseUrl` is the server the sign-in was for, if known. */
  onFailed: (message: string, baseUrl: string | undefined) => void;
};

export function RedirectSignIn({ redirect, onSignedIn, onFailed }: RedirectSignInProps) {
  useEffect(() => {
    let isCurrent = true;
    completeRedirectSignIn(redirect).then(
      (session) => {
        if (isCurrent) onSignedIn(session, redirect.pending?.remember ?? true);
      },
      (error: unknown) => {
        if (isCurrent) onFailed(signInErrorMessage(error, redirect.kind), redirect.pending?.baseUrl);
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [redirect, onSignedIn, onFailed]);
  return (
    <main className="sign-in">
      <div className="sign-in__card" role="status" aria-label="Completing sign-in">
        <h1 className="sign-in__title">Account Data Inspector</h1>
        <p>
          <Spinner size="sm" /> Completing sign-in…
        </p>
      </div>
    </main>
  );
}
