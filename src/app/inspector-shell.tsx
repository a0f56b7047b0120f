/**
 * Everything that exists per signed-in session: the MatrixClient, the sync engine and the bridge
 * into the caches, the change history (fed by every sync batch and every own write; both set up by
 * `use-account-data-sync.ts`), plus the header (who, which device, which server, sign out) around
 * the account-data view. Unmounting stops the engine and aborts its in-flight request at once.
 *
 * A Synapse admin (probed once after sign-in, ADR 013) gets their own data preloaded from the admin
 * API while sync loads, and a header button "Inspect another user" that swaps the view for admin mode
 * (`admin-view.tsx`): another user's account data, read-only. Their own sync keeps running meanwhile.
 */
import { useCallback, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useStore } from 'zustand';
import { MatrixClient } from '../matrix/client.ts';
import type { ServerCapabilities, Session } from '../matrix/types.ts';
import { createInspectorStore } from '../features/account-data/inspector-store.tsx';
import { parseDeepLink } from '../features/account-data/deep-link.ts';
import { syncStatusStore } from '../features/sync-status/sync-status-store.ts';
import { showToast } from '../components/toast-store.ts';
import { adminQueries } from '../features/admin/admin-queries.ts';
import type { ProvisionalSnapshot } from '../features/account-data/provisional.ts';
import { AdminView, useAdminMode } from './admin-view.tsx';
import type { SessionStore } from './session-store.ts';
import { AppHeader } from './app-header.tsx';
import { useAccountDataSync } from './use-account-data-sync.ts';
import { SyncedAccountDataView } from './synced-account-data-view.tsx';

export type InspectorShellProps = {
  session: Session;
  sessionStore: SessionStore;
  capabilities?: ServerCapabilities | undefined;
};

export function InspectorShell({ session, sessionStore, capabilities }: InspectorShellProps) {
  const queryClient = useQueryClient();
  const [client] = useState(
    () =>
      new MatrixClient(session, {
        // Probed by the sign-in page moments ago: the first sync starts without probing again.
        ...(capabilities ? { capabilities } : {}),
        onSessionChanged: (s) => {
          sessionStore.getState().actions.sessionRefreshed(s);
        },
        onSessionExpired: ({ softLogout }) => {
          sessionStore.getState().actions.sessionExpired(softLogout);
        },
      }),
  );
  // Created here so the header can open the key-backup panel; a deep link in the address bar wins.
  const [inspectorStore] = useState(() => createInspectorStore(parseDeepLink(window.location.hash)));
  const isKeyBackupOpen = useStore(inspectorStore, (s) => s.mainView === 'key-backup');
  // The admin fast path (ADR 013): an admin's own account data from the admin API, shown as a
  // provisional snapshot while sync loads. The probe is the same query the header's button reads.
  const preload = useCallback(
    async (signal: AbortSignal): Promise<ProvisionalSnapshot | null> => {
      const isAdmin = await queryClient.query(adminQueries.isAdmin(client));
      if (!isAdmin || signal.aborted) return null;
      const [data, joined] = await Promise.all([
        client.getAdminAccountData(client.userId, { signal }),
        client.getJoinedRooms({ signal }),
      ]);
      return { ...data, joinedRooms: new Set(joined) };
    },
    [client, queryClient],
  );
  const sync = useAccountDataSync(client, { statusStore: syncStatusStore, preload });
  const isAdmin = useQuery(adminQueries.isAdmin(client)).data === true;
  const [isAdminMode, setIsAdminMode] = useState(false);
  const admin = useAdminMode(client);
  const inspecting = isAdminMode ? admin.current : null;
  const [isSigningOut, setIsSigningOut] = useState(false);

  const signOut = async () => {
    setIsSigningOut(true);
    try {
      await client.logout();
    } catch (error) {
      // Signing out here always happens; say so when the server did not confirm it (an already
      // gone device or revoked token counts as confirmed, see docs/protocol.md §1.4–§1.5).
      showToast({
        tone: 'error',
        title: 'Signed out here, but the server did not confirm it',
        body: `${error instanceof Error ? error.message : String(error)} The session may still be active; end it from another client.`,
      });
    }
    queryClient.clear();
    sessionStore.getState().actions.signedOut();
  };

  return (
    <div className="app-shell">
      <AppHeader
        label="Session"
        facts={
          isAdminMode
            ? [
                {
                  term: 'Inspecting',
                  value: inspecting ?? 'Admin mode',
                  isMain: true,
                  title: 'The user whose account data is shown, read-only',
                },
                { term: 'Signed in as', value: session.userId, title: 'You, the server admin' },
                { term: 'Homeserver', value: session.baseUrl },
              ]
            : [
                { term: 'User', value: session.userId, isMain: true },
                { term: 'Device', value: session.deviceId, title: "This inspector's own device" },
                { term: 'Homeserver', value: session.baseUrl },
              ]
        }
      >
        {isAdminMode ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setIsAdminMode(false);
            }}
          >
            Back to my account
          </button>
        ) : isAdmin ? (
          <button
            type="button"
            className="button button--tertiary"
            title="As a server admin, read another user's account data (read-only, through Synapse's admin API)"
            onClick={() => {
              setIsAdminMode(true);
            }}
          >
            Inspect another user
          </button>
        ) : null}
        {isAdminMode ? null : (
          <button
            type="button"
            className="button button--tertiary"
            aria-pressed={isKeyBackupOpen}
            title="What your clients will do about key backup (MSC4287)"
            onClick={inspectorStore.getState().actions.keyBackupOpened}
          >
            Key backup
          </button>
        )}
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            void signOut();
          }}
          disabled={isSigningOut}
        >
          {isSigningOut ? 'Signing out…' : 'Sign out'}
        </button>
      </AppHeader>
      {isAdminMode ? (
        <AdminView client={client} admin={admin} />
      ) : (
        <SyncedAccountDataView
          client={client}
          setup={sync}
          store={inspectorStore}
          startErrorTitle="Could not start syncing"
        />
      )}
    </div>
  );
}
