/**
 * The account-data view of one identity whose sync `useAccountDataSync` set up: why the sync could
 * not start, if so, then the tree and editor with that identity's pending writes, history and
 * key-backup panel. Shared by the session shell and the application-service view.
 */
import type { MatrixClient } from '../matrix/client.ts';
import { AccountDataView } from '../features/account-data/account-data-view.tsx';
import type { InspectorStore } from '../features/account-data/inspector-store.tsx';
import { ErrorBoundary } from '../components/error-boundary.tsx';
import { Banner } from '../components/banner.tsx';
import { useSyncStatus } from '../features/sync-status/sync-status-store.ts';
import { KeyBackupView } from './key-backup-view.tsx';
import type { AccountDataSyncSetup } from './use-account-data-sync.ts';

export type SyncedAccountDataViewProps = {
  client: MatrixClient;
  setup: AccountDataSyncSetup;
  store: InspectorStore;
  /** The start error's title, e.g. "Could not start syncing". */
  startErrorTitle: string;
};

export function SyncedAccountDataView({ client, setup, store, startErrorTitle }: SyncedAccountDataViewProps) {
  // The header's store: the session's engine, or the selected application-service user's (mirrored).
  const syncTransport = useSyncStatus((s) => s.transport);
  return (
    <>
      {setup.startError ? (
        <Banner tone="critical" title={startErrorTitle}>
          {setup.startError}
        </Banner>
      ) : null}
      <ErrorBoundary area="The account data view">
        <AccountDataView
          client={client}
          pending={setup.pending}
          onWrite={setup.recordWrite}
          history={setup.history}
          store={store}
          keyBackupPanel={<KeyBackupView client={client} />}
          syncTransport={syncTransport}
        />
      </ErrorBoundary>
    </>
  );
}
