/**
 * Admin mode (issue #13, ADR 013): an admin reads another user's account data through Synapse's
 * admin API (docs/protocol.md §2 "Listing everything") and sees it in the same tree and editor as
 * their own, read-only. The snapshot goes into that user's caches (keyed by user ID, like every
 * account-data cache); no sync engine runs for that user, so nothing else writes there. The view's
 * client sends no requests at all: it only names whose caches to show.
 *
 * `useAdminMode` keeps the session's state: which user is open, the users looked at, the last error.
 */
import { useCallback, useState } from 'react';
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { AdminLookupError } from '../matrix/api/admin.ts';
import { MatrixClient } from '../matrix/client.ts';
import { ClientRefusedError, MatrixApiError } from '../matrix/errors.ts';
import type { Authorization, Credentials } from '../matrix/transport.ts';
import { AccountDataView } from '../features/account-data/account-data-view.tsx';
import { createInspectorStore, type InspectorStore } from '../features/account-data/inspector-store.tsx';
import { PendingWrites } from '../features/account-data/pending-writes.ts';
import type { RoomsData, ScopeData } from '../features/account-data/model.ts';
import { accountDataKeys } from '../features/account-data/queries.ts';
import { foldSnapshot } from '../features/account-data/snapshot.ts';
import { adminKeys } from '../features/admin/admin-queries.ts';
import { InspectUserForm } from '../features/admin/inspect-user-form.tsx';
import { Banner } from '../components/banner.tsx';
import { ErrorBoundary } from '../components/error-boundary.tsx';
import { RelativeTime } from '../components/relative-time.tsx';

/** An identity that sends nothing: the read-only view's client only names the inspected user. */
class SnapshotOnlyAuthorization implements Authorization {
  readonly deviceId = undefined;
  readonly userId: string;
  constructor(userId: string) {
    this.userId = userId;
  }
  prepare(): Promise<Credentials> {
    return Promise.reject(
      new ClientRefusedError('read-only', 'This is a read-only admin snapshot: it sends no requests.'),
    );
  }
  recover(): Promise<boolean> {
    return Promise.resolve(false);
  }
  secrets(): readonly (string | undefined)[] {
    return [];
  }
}

/** What the read-only view says on every entry (and why Save and Delete are not there). */
export const READ_ONLY = {
  title: 'Read-only: admin API snapshot',
  reason:
    "This is another user's account data as Synapse's admin API returned it, not live and not writable here. Writes are disabled.",
};

/** Why an open failed, in words an admin can act on. */
export function adminErrorMessage(error: unknown): string {
  if (error instanceof AdminLookupError) return error.message;
  if (error instanceof MatrixApiError)
    return `The server answered ${error.status} ${error.errcode}: ${error.serverMessage || error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export type AdminModeState = {
  current: string | null;
  recent: readonly string[];
  opening: string | null;
  error: string | null;
  /** Reads `userId` now and shows it when the read succeeds. */
  open: (userId: string) => void;
};

export function useAdminMode(client: MatrixClient): AdminModeState {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState<string | null>(null);
  const [recent, setRecent] = useState<readonly string[]>([]);
  const [opening, setOpening] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = useCallback(
    (userId: string) => {
      setOpening(userId);
      setError(null);
      readSnapshot(queryClient, client, userId).then(
        () => {
          setOpening(null);
          setCurrent(userId);
          setRecent((list) => (list.includes(userId) ? list : [...list, userId]));
        },
        (e: unknown) => {
          setOpening(null);
          setError(adminErrorMessage(e));
        },
      );
    },
    [client, queryClient],
  );
  return { current, recent, opening, error, open };
}

/**
 * Reads `userId`'s account data through the admin API and folds it into that user's caches
 * (a re-read marks what changed since). Resolves with the read's time.
 */
function readSnapshot(
  queryClient: ReturnType<typeof useQueryClient>,
  client: MatrixClient,
  userId: string,
): Promise<number> {
  return queryClient.query({
    queryKey: adminKeys.snapshot(client.userId, userId),
    queryFn: async ({ signal }) => {
      const data = await client.getAdminAccountData(userId, { signal });
      const now = Date.now();
      const next = foldSnapshot(
        {
          global: queryClient.getQueryData<ScopeData>(accountDataKeys.global(userId)),
          rooms: queryClient.getQueryData<RoomsData>(accountDataKeys.rooms(userId)),
        },
        data,
        now,
      );
      queryClient.setQueryData(accountDataKeys.global(userId), next.global);
      queryClient.setQueryData(accountDataKeys.rooms(userId), next.rooms);
      return now;
    },
    staleTime: 0,
    gcTime: Infinity,
    retry: false,
  });
}

/** The bar (User ID, Open, users looked at) and the open user's read-only view. */
export function AdminView({ client, admin }: { client: MatrixClient; admin: AdminModeState }) {
  return (
    <div className="admin-view">
      <InspectUserForm
        ownUserId={client.userId}
        recent={admin.recent}
        current={admin.current}
        opening={admin.opening}
        error={admin.error}
        onOpen={admin.open}
      />
      {admin.current === null ? (
        // Landmarks: with no user open, this is the page's main content.
        <main className="admin-view__notice">
          <Banner tone="info" title="Inspect another user, read-only" isAnnounced={false}>
            Enter a user ID of this server and choose Open. As a server admin you can read their global and
            room account data through Synapse&apos;s admin API: a read-only snapshot, not live.
          </Banner>
        </main>
      ) : (
        <InspectedUser key={admin.current} client={client} userId={admin.current} onRefresh={admin.open} />
      )}
    </div>
  );
}

function InspectedUser({
  client,
  userId,
  onRefresh,
}: {
  client: MatrixClient;
  userId: string;
  onRefresh: (userId: string) => void;
}) {
  const [viewClient] = useState(() =>
    MatrixClient.forAuthorization(new SnapshotOnlyAuthorization(userId), { baseUrl: client.baseUrl }),
  );
  const [pending] = useState(() => new PendingWrites());
  // Its own inspector store, not the address bar's: a deep link names one of the admin's own entries.
  const [store] = useState<InspectorStore>(() => createInspectorStore());
  const readAt = useQuery<number>({
    queryKey: adminKeys.snapshot(client.userId, userId),
    // Filled by `readSnapshot` only.
    queryFn: skipToken,
    staleTime: Infinity,
    gcTime: Infinity,
  }).data;
  return (
    <>
      {/* A named region above the inspected user's own main content (landmarks). */}
      <section className="admin-view__notice" aria-label="Read-only snapshot">
        <Banner
          tone="warning"
          title={`Viewing ${userId} read-only`}
          isAnnounced={false}
          actions={
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                onRefresh(userId);
              }}
            >
              Refresh
            </button>
          }
        >
          This is a read-only snapshot from Synapse&apos;s admin API, not live: it changes only when you
          choose Refresh
          {readAt === undefined ? null : (
            <>
              {' '}
              (read <RelativeTime ts={readAt} />)
            </>
          )}
          . Writes are disabled. The admin API leaves out m.push_rules and room tags (m.tag), and lists rooms
          the user left or never joined, named by their room ID.
        </Banner>
      </section>
      <ErrorBoundary area="The inspected user's account data">
        <AccountDataView client={viewClient} pending={pending} store={store} readOnly={READ_ONLY} />
      </ErrorBoundary>
    </>
  );
}
