/**
 * Optimistic writes (STYLE.md): snapshot the entry, show the new value at once, mark the key as
 * pending so the sync bridge ignores echoes, roll back with a clear message on failure, and after
 * the last pending write settles, refetch the key once to reconcile with the server.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { MatrixClient, DeleteAccountDataResult, SetAccountDataResult } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { applyChange, type Entry } from './model.ts';
import { readEntry, restoreEntry, updateScope } from './cache.ts';
import { scopeKey } from './queries.ts';
import type { PendingWrites } from './pending-writes.ts';

export type WriteTarget = { scope: AccountDataScope; type: string };
type Snapshot = { previous: Entry | undefined };

async function reconcile(
  queryClient: QueryClient,
  client: MatrixClient,
  pending: PendingWrites,
  target: WriteTarget,
): Promise<void> {
  const key = scopeKey(target.scope);
  if (!pending.end(key, target.type)) return;
  try {
    const result = await client.getAccountData(target.scope, target.type);
    if (pending.has(key, target.type)) return; // a newer write started meanwhile
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
      pending.begin(scopeKey(scope), type);
      const previous = readEntry(queryClient, client.userId, scope, type);
      updateScope(queryClient, client.userId, scope, (data) => applyChange(data, type, content, Date.now()));
      return { previous };
    },
    onError: (_error, { scope, type }, snapshot) => {
      restoreEntry(queryClient, client.userId, scope, type, snapshot?.previous);
    },
    onSettled: (_data, _error, target) => reconcile(queryClient, client, pending, target),
  });
}

export function useDeleteAccountData(client: MatrixClient, pending: PendingWrites) {
  const queryClient = useQueryClient();
  return useMutation<DeleteAccountDataResult, Error, WriteTarget, Snapshot>({
    mutationFn: ({ scope, type }) => client.deleteAccountData(scope, type),
    onMutate: ({ scope, type }) => {
      pending.begin(scopeKey(scope), type);
      const previous = readEntry(queryClient, client.userId, scope, type);
      updateScope(queryClient, client.userId, scope, (data) => applyChange(data, type, {}, Date.now()));
      return { previous };
    },
    onError: (_error, { scope, type }, snapshot) => {
      restoreEntry(queryClient, client.userId, scope, type, snapshot?.previous);
    },
    onSettled: (_data, _error, target) => reconcile(queryClient, client, pending, target),
  });
}
