import { useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { useStore } from 'zustand';
import { SignInPage } from '../features/session/sign-in-page.tsx';
import { Toaster } from '../components/toaster.tsx';
import { createQueryClient } from './query-client.ts';
import { createSessionStore } from './session-store.ts';
import { InspectorShell } from './inspector-shell.tsx';
import { ErrorBoundary } from '../components/error-boundary.tsx';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [sessionStore] = useState(createSessionStore);
  const session = useStore(sessionStore, (s) => s.session);
  const capabilities = useStore(sessionStore, (s) => s.capabilities);
  const notice = useStore(sessionStore, (s) => s.notice);
  const resume = useStore(sessionStore, (s) => s.resume);
  const { signedIn } = useStore(sessionStore, (s) => s.actions);

  return (
    <QueryClientProvider client={queryClient}>
      {session ? (
        <InspectorShell
          key={`${session.userId}|${session.deviceId}`}
          session={session}
          capabilities={capabilities}
          sessionStore={sessionStore}
        />
      ) : (
        <ErrorBoundary area="Sign-in">
          <SignInPage
            key={resume?.deviceId ?? 'new'}
            onSignedIn={signedIn}
            {...(notice ? { notice } : {})}
            {...(resume ? { resume } : {})}
          />
        </ErrorBoundary>
      )}
      <Toaster />
    </QueryClientProvider>
  );
}
