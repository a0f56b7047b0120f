import { useCallback, useEffect, useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { useStore } from 'zustand';
import { SignInPage } from '../features/session/sign-in-page.tsx';
import { Toaster } from '../components/toaster.tsx';
import { createQueryClient } from './query-client.ts';
import { createSessionStore } from './session-store.ts';
import { ErrorBoundary } from '../components/error-boundary.tsx';
import { takeRedirectReturn } from '../features/session/redirect-return.ts';
import { RedirectSignIn } from '../features/session/redirect-sign-in.tsx';
import { isAppserviceSession, type Session } from '../matrix/types.ts';
import { LazyView, lazyModule, usePreloadOnFirstInteraction } from './lazy-module.tsx';

// The signed-in views load on demand (ADR 015): the sign-in page needs none of their code.
const inspectorShell = lazyModule(() => import('./inspector-shell.tsx'));
const appserviceShell = lazyModule(() => import('./appservice-shell.tsx'));

/** A sign-in that came back from the server but did not complete: why, and for which server. */
type RedirectFailure = { message: string; baseUrl: string | undefined };

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [sessionStore] = useState(createSessionStore);
  const session = useStore(sessionStore, (s) => s.session);
  const capabilities = useStore(sessionStore, (s) => s.capabilities);
  const notice = useStore(sessionStore, (s) => s.notice);
  const resume = useStore(sessionStore, (s) => s.resume);
  const { signedIn } = useStore(sessionStore, (s) => s.actions);
  // An SSO or OAuth answer in the address bar is taken out of it before anything renders.
  const [redirect, setRedirect] = useState(() => takeRedirectReturn());
  const [redirectFailure, setRedirectFailure] = useState<RedirectFailure | null>(null);
  const onRedirectSignedIn = useCallback(
    (next: Session, remember: boolean) => {
      setRedirect(null);
      signedIn(next, remember);
    },
    [signedIn],
  );
  const onRedirectFailed = useCallback((message: string, baseUrl: string | undefined) => {
    setRedirect(null);
    setRedirectFailure({ message, baseUrl });
  }, []);
  // Most people sign in to their own account: its view loads while they fill in the form, or at
  // once when a sign-in is coming back from the server.
  usePreloadOnFirstInteraction(inspectorShell.load, !session && !redirect);
  useEffect(() => {
    if (redirect) void inspectorShell.load().catch(() => undefined);
  }, [redirect]);

  return (
    <QueryClientProvider client={queryClient}>
      {redirect ? (
        <RedirectSignIn redirect={redirect} onSignedIn={onRedirectSignedIn} onFailed={onRedirectFailed} />
      ) : session && isAppserviceSession(session) ? (
        <LazyView module={appserviceShell} what="The application-service view">
          {({ AppserviceShell }) => (
            <AppserviceShell
              key={`appservice|${session.registrationId}|${session.senderUserId}`}
              session={session}
              capabilities={capabilities}
              sessionStore={sessionStore}
            />
          )}
        </LazyView>
      ) : session ? (
        <LazyView module={inspectorShell} what="The inspector">
          {({ InspectorShell }) => (
            <InspectorShell
              key={`${session.userId}|${session.deviceId}`}
              session={session}
              capabilities={capabilities}
              sessionStore={sessionStore}
            />
          )}
        </LazyView>
      ) : (
        <ErrorBoundary area="Sign-in">
          <SignInPage
            key={resume?.deviceId ?? 'new'}
            onSignedIn={signedIn}
            {...(redirectFailure
              ? { notice: `Sign-in did not complete: ${redirectFailure.message}` }
              : notice
                ? { notice }
                : {})}
            {...(resume ? { resume } : {})}
            {...(redirectFailure?.baseUrl ? { server: redirectFailure.baseUrl } : {})}
          />
        </ErrorBoundary>
      )}
      <Toaster />
    </QueryClientProvider>
  );
}
