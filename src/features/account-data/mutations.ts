/**
 * Optimistic writes (docs/architecture.md "Writes"): snapshot the entry, show the new value at once, mark the key as
 * pending so the sync bridge ignores echoes, roll back with a toast saying what and why on failure,
 * and after the last pending write settles, refetch the key once to reconcile with the server.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { MatrixClient, DeleteAccountDataResult, SetAccountDataResult } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { showToast } from '../../components/toast-store.ts';
import { applyChange, type Entry } from './model.ts';
import { readEntry, restoreEntry, updateScope } from './cache.ts';
import type { PendingWrites } from './pending-writes.ts';
import { entryKey } from '../../matrix/entry-key.ts';
import { writeErrorMessage } from './write-errors.ts';

export type WriteTarget = { scope: AccountDataScope; type: string };
type Snapshot = { previous: Entry | undefined };

/**
 * Puts the snapshot back and says so: the value on screen jumps back, possibly in a pane the user has
 * left, so a toast names the entry and the server's reason (the entry panel adds its own banner).
 */
function rollBack(
  queryClient: QueryClient,
  userId: string,
  { scope, type }: WriteTarget,
  snapshot: Snapshot | undefined,
  what: 'Save' | 'Delete',
  error: Error,
): void {
  restoreEntry(queryClient, userId, scope, type, snapshot?.previous);
  const where =
    scope.kind === 'room' ? ` in ${scope.roomId}` : scope.kind === 'device' ? ` on ${scope.deviceId}` : '';
  showToast({
    // One toast per entry: a second failure replaces the first instead of stacking.
    id: `rollback:${entryKey(scope, type)}`,
    tone: 'error',
    title: `${what} of ${type}${where} rolled back`,
    body: writeErrorMessage(error),
  });
}

async function reconcile(
  queryClient: QueryClient,
  client: MatrixClient,
  pending: PendingWrites,
  target: WriteTarget,
): Promise<void> {
  const key = entryKey(target.scope, target.type);
  if (!pending.end(key)) return;
  try {
    const result = await client.getAccountData(target.scope, target.type);
    if (pending.has(key)) return; // a newer write started meanwhile
    if (result.status === 'unsupported') return;
    const content: JsonObject = result.status === 'content' ? result.content : {};
    updateScope(queryClient, client.userId, target.scope, (data) =>
      applyChange(data, target.type, content, Date.now()),
    );
  } catch {
    // Reconciling is best effort; the next sync delta corrects the cache anyway.
  }
}

export function useSetAccountData(client: MatrixClient, pending: PendingWrites) {
  const queryClient = useQueryClient();
  return useMutation<SetAccountDataResult, Error, WriteTarget & { content: JsonObject }, Snapshot>({
    mutationFn: ({ scope, type, content }) => client.setAccountData(scope, type, content),
    onMutate: ({ scope, type, content }) => {
      pending.begin(entryKey(scope, type));
      const previous = readEntry(queryClient, client.userId, scope, type);
      updateScope(queryClient, client.userId, scope, (data) => applyChange(data, type, content, Date.now()));
      return { previous };
    },
    onError: (error, target, snapshot) => {
      rollBack(queryClient, client.userId, target, snapshot, 'Save', error);
    },
    onSettled: (_data, _error, target) => reconcile(queryClient, client, pending, target),
  });
}

export function useDeleteAccountData(client: MatrixClient, pending: PendingWrites) {
  const queryClient = useQueryClient();
  return useMutation<DeleteAccountDataResult, Error, WriteTarget, Snapshot>({
    mutationFn: ({ scope, type }) => client.deleteAccountData(scope, type),
    onMutate: ({ scope, type }) => {
      pending.begin(entryKey(scope, type));
      const previous = readEntry(queryClient, client.userId, scope, type);
      updateScope(queryClient, client.userId, scope, (data) => applyChange(data, type, {}, Date.now()));
      return { previous };
    },
    onError: (error, target, snapshot) => {
      rollBack(queryClient, client.userId, target, snapshot, 'Delete', error);
    },
    onSettled: (_data, _error, target) => reconcile(queryClient, client, pending, target),
  });
}
