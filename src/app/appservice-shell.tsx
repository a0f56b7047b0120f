/**
 * Application-service mode (issue #12, docs/protocol.md §7): the inspector acting for the users of
 * an application service's namespace by identity assertion. Per user it acts for — the sender from
 * the start, then each added user — one `MatrixClient` over `AppserviceAuthorization.forUser`, with
 * its own sync engine, history and pending writes (`use-account-data-sync.ts`) bridged into the one
 * QueryClient (its caches are keyed by user ID). Every user's engine keeps running; the selected
 * user's data is shown in the same tree and editor as the normal mode. Each user keeps its own
 * inspector store (what is open) and its drafts (IndexedDB, keyed by user), so switching users keeps
 * both. Every batch of every user feeds the MSC3682 transaction preview; the "Received transactions"
 * panel shows what the homeserver really pushed to the receiver.
 *
 * The sender itself cannot be synced: Synapse 1.160 answers `/v3/sync` and sliding sync for an
 * application service's sender with `500` (docs/protocol.md §7), so its view says so instead.
 *
 * Signing out forgets the `as_token` here; there is no device or token to end at the server.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { AppserviceAuthorization } from '../matrix/authorization.ts';
import { MatrixClient } from '../matrix/client.ts';
import type { AppserviceSession, ServerCapabilities } from '../matrix/types.ts';
import { createInspectorStore } from '../features/account-data/inspector-store.tsx';
import { accountDataKeys } from '../features/account-data/queries.ts';
import type { ScopeData } from '../features/account-data/model.ts';
import { AddUserForm } from '../features/appservice/add-user-form.tsx';
import { UserPicker } from '../features/appservice/user-picker.tsx';
import { TransactionPreviewPanel } from '../features/appservice/transaction-preview-panel.tsx';
import {
  createTransactionPreviewStore,
  type TransactionPreviewStore,
} from '../features/appservice/transaction-preview-store.ts';
import { liveContents } from '../features/appservice/transaction-preview.ts';
import { ReceivedTransactions } from '../features/appservice-receiver/received-transactions.tsx';
import { createSyncStatusStore, syncStatusStore } from '../features/sync-status/sync-status-store.ts';
import { ErrorBoundary } from '../components/error-boundary.tsx';
import { Banner } from '../components/banner.tsx';
import type { SessionStore } from './session-store.ts';
import { AppHeader } from './app-header.tsx';
import { useAccountDataSync } from './use-account-data-sync.ts';
import { SyncedAccountDataView } from './synced-account-data-view.tsx';

export type AppserviceShellProps = {
  session: AppserviceSession;
  sessionStore: SessionStore;
  capabilities?: ServerCapabilities | undefined;
};

export function AppserviceShell({ session, sessionStore, capabilities }: AppserviceShellProps) {
  const queryClient = useQueryClient();
  const [service] = useState(
    () =>
      new AppserviceAuthorization({
        asToken: session.asToken,
        userId: session.senderUserId,
        onExpired: () => {
          sessionStore.getState().actions.sessionExpired(false);
        },
      }),
  );
  const users = useMemo(
    () => [session.senderUserId, ...(session.users ?? []).filter((u) => u !== session.senderUserId)],
    [session.senderUserId, session.users],
  );
  const [selected, setSelected] = useState(session.senderUserId);
  const current = users.includes(selected) ? selected : session.senderUserId;
  const [previewStore] = useState(() => createTransactionPreviewStore());
  useEffect(() => {
    previewStore.getState().actions.usersChanged(users);
  }, [previewStore, users]);

  const clientFor = useCallback(
    (userId: string) =>
      MatrixClient.forAuthorization(service.forUser(userId), {
        baseUrl: session.baseUrl,
        ...(capabilities ? { capabilities } : {}),
      }),
    [service, session.baseUrl, capabilities],
  );
  const setUsers = (next: string[]) => {
    sessionStore.getState().actions.appserviceUsersChanged(next.filter((u) => u !== session.senderUserId));
  };

  const signOut = () => {
    queryClient.clear();
    sessionStore.getState().actions.signedOut();
  };

  return (
    <div className="app-shell">
      <AppHeader
        label="Application service"
        facts={[
          { term: 'Mode', value: `Application service ${session.registrationId}`, isMain: true },
          { term: 'Sender', value: session.senderUserId, title: "The registration's sender user" },
          { term: 'Homeserver', value: session.baseUrl },
        ]}
      >
        <button
          type="button"
          className="button button--secondary"
          title="Forgets the as_token in this browser. An application service has no session at the server: there is nothing to end there."
          onClick={signOut}
        >
          Sign out
        </button>
      </AppHeader>
      <div className="appservice-shell">
        <div className="appservice-shell__main">
          {/* A named region (landmarks): the users the service acts for. */}
          <section className="appservice-shell__bar" aria-label="Users">
            <AddUserForm
              namespace={{ senderUserId: session.senderUserId, userRegexes: session.userRegexes }}
              users={users}
              check={(userId) => clientFor(userId).whoami()}
              onAdd={(userId) => {
                setUsers([...users, userId]);
                setSelected(userId);
              }}
              onSelect={setSelected}
            />
            <UserPicker
              senderUserId={session.senderUserId}
              users={users}
              selected={current}
              onSelect={setSelected}
              onRemove={(userId) => {
                setUsers(users.filter((u) => u !== userId));
              }}
            />
          </section>
          {users.map((userId) => (
            <AppserviceUser
              key={userId}
              userId={userId}
              isSelected={userId === current}
              isSender={userId === session.senderUserId}
              clientFor={clientFor}
              previewStore={previewStore}
            />
          ))}
        </div>
        <aside className="appservice-shell__side" aria-label="Transactions">
          <ErrorBoundary area="The transaction preview">
            <TransactionPreviewPanel store={previewStore} />
          </ErrorBoundary>
          <ErrorBoundary area="The received transactions">
            <ReceivedTransactions {...(session.url ? { defaultUrl: session.url } : {})} />
          </ErrorBoundary>
        </aside>
      </div>
    </div>
  );
}

type AppserviceUserProps = {
  userId: string;
  isSelected: boolean;
  /** The registration's sender: the server will not sync it (docs/protocol.md §7). */
  isSender: boolean;
  clientFor: (userId: string) => MatrixClient;
  previewStore: TransactionPreviewStore;
};

/** One user the service acts for: its live sync always, its account-data view while selected. */
function AppserviceUser({ userId, isSelected, isSender, clientFor, previewStore }: AppserviceUserProps) {
  const queryClient = useQueryClient();
  const [client] = useState(() => clientFor(userId));
  const [statusStore] = useState(createSyncStatusStore);
  // Kept while the user is not shown, so switching back reopens what was open. No deep link: the
  // address bar's fragment names an entry, not whose it is.
  const [inspectorStore] = useState(() => createInspectorStore());
  const sync = useAccountDataSync(client, {
    statusStore,
    enabled: !isSender,
    onBatch: () => {
      const global = queryClient.getQueryData<ScopeData>(accountDataKeys.global(userId));
      if (global !== undefined) previewStore.getState().actions.observed(userId, liveContents(global));
    },
  });

  // The header's status pill follows the selected user's engine.
  useEffect(() => {
    if (!isSelected) return;
    const mirror = () => {
      const { status, transport } = statusStore.getState();
      syncStatusStore.getState().actions.statusChanged(status);
      syncStatusStore.getState().actions.transportChosen(transport);
    };
    mirror();
    return statusStore.subscribe(mirror);
  }, [isSelected, statusStore]);

  if (!isSelected) return null;
  if (isSender) {
    return (
      // Landmarks: for the sender, this notice is the page's main content.
      <main className="appservice-shell__notice">
        <Banner tone="info" title={`${userId} is the application service's sender`} isAnnounced={false}>
          Synapse does not sync an application service&apos;s sender user (its /sync and sliding sync answer
          500), so its account data cannot be listed or followed live. Add a user of the namespace to inspect
          its account data.
        </Banner>
      </main>
    );
  }
  return (
    <SyncedAccountDataView
      client={client}
      setup={sync}
      store={inspectorStore}
      startErrorTitle={`Could not start syncing as ${userId}`}
    />
  );
}
