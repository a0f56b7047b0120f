/**
 * Admin queries (ADR 013): whether the signed-in user is a Synapse admin — probed once per session,
 * never blocking the first sync — and the snapshots of the users an admin looks at.
 */
import { queryOptions } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';

export const adminKeys = {
  all: (userId: string) => ['admin', userId] as const,
  /** `GET /_synapse/admin/v1/users/{own ID}/admin` (docs/protocol.md §2 "Listing everything"). */
  isAdmin: (userId: string) => [...adminKeys.all(userId), 'is-admin'] as const,
  /** When the admin last read `inspectedId`'s account data (the data goes to that user's caches). */
  snapshot: (userId: string, inspectedId: string) =>
    [...adminKeys.all(userId), 'snapshot', inspectedId] as const,
};

export const adminQueries = {
  /**
   * Once per session; a non-admin's `403` is simply `false`. A failed probe (network) is not retried
   * and leaves the admin features hidden.
   */
  isAdmin: (client: MatrixClient) =>
    queryOptions<boolean>({
      queryKey: adminKeys.isAdmin(client.userId),
      queryFn: ({ signal }) => client.isServerAdmin({ signal }),
      staleTime: Infinity,
      gcTime: Infinity,
      refetchOnWindowFocus: false,
      retry: false,
    }),
};
