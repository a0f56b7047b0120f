/**
 * Optimistic writes (docs/architecture.md "Writes"): snapshot the entry, show the new value at once, mark the key as
 * pending so the sync bridge ignores echoes, roll back with a toast saying what and why on failure,
 * and after the last pending write settles, refetch the key once to reconcile with the server.
 *
 * Every settled write is reported once to an optional {@link WriteObserver} (the change history),
 * whether or not the component that started it is still mounted.
 */
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { MatrixClient, DeleteAccountDataResult, SetAccountDataResult } from '../../matrix/client.ts';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { showToast } from '../../components/toast-store.ts';
import { applyChange, withDeletion, type Entry } from './model.ts';
import { readEntry, restoreEntry, updateScope } from './cache.ts';
import type { PendingWrites } from './pending-writes.ts';
import { entryKey } from '../../matrix/entry-key.ts';
import { writeErrorMessage } from './write-errors.ts';
import type { WriteEvent, WriteMethod, WriteObserver } from './write-events.ts';

export type WriteTarget = { scope: AccountDataScope; type: string };
/** A save; `isRestore` when it puts a deleted entry's last content back (reported as `restore`). */
export type SaveVariables = WriteTarget & { content: JsonObject; isRestore?: boolean };
type Snapshot = { previous: Entry | undefined };

/** How a save reached the server, in the history's terms. */
export function saveMethod(result: SetAccountDataResult): WriteMethod {
  switch (result.via) {
    case 'account-data':
      return 'PUT';
    case 'device':
      return 'DEVICE';
    case 'tags':
      return 'TAGS';
  }
}

/** How a delete reached the server, in the history's terms (device scope: MSC4331's `PUT {}`). */
export function deleteMethod(scope: AccountDataScope, result: DeleteAccountDataResult): WriteMethod {
  return scope.kind === 'device' ? 'DEVICE' : result.method;
}

/** Reports one settled write; an observer that throws never breaks the write itself. */
function report(
  observer: WriteObserver | undefined,
  base: Pick<WriteEvent, 'scope' | 'type' | 'action' | 'content'>,
  outcome: { method: WriteMethod } | { error: Error },
): void {
  if (!observer) return;
  const at = Date.now();
  const event: WriteEvent =
    'method' in outcome
      ? { ...base, at, outcome: 'ok', method: outcome.method }
      : { ...base, at, outcome: 'failed', error: writeErrorMessage(outcome.error) };
  try {
    observer(event);
  } catch {
    // The record keeper's problem, not the write's: the write has settled either way.
  }
}

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

export function useSetAccountData(client: MatrixClient, pending: PendingWrites, onWrite?: WriteObserver) {
  const queryClient = useQueryClient();
  return useMutation<SetAccountDataResult, Error, SaveVariables, Snapshot>({
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
    onSettled: (result, error, { scope, type, content, isRestore }) => {
      report(
        onWrite,
        { scope, type, content, action: isRestore ? 'restore' : 'save' },
        result ? { method: saveMethod(result) } : { error: error ?? new Error('The write failed.') },
      );
      return reconcile(queryClient, client, pending, { scope, type });
    },
  });
}

export function useDeleteAccountData(client: MatrixClient, pending: PendingWrites, onWrite?: WriteObserver) {
  const queryClient = useQueryClient();
  return useMutation<DeleteAccountDataResult, Error, WriteTarget, Snapshot>({
    mutationFn: ({ scope, type }) => client.deleteAccountData(scope, type),
    onMutate: ({ scope, type }) => {
      pending.begin(entryKey(scope, type));
      const previous = readEntry(queryClient, client.userId, scope, type);
      const now = Date.now();
      updateScope(queryClient, client.userId, scope, (data) =>
        withDeletion(applyChange(data, type, {}, now), type, { by: 'this-app', at: now }),
      );
      return { previous };
    },
    onSuccess: (result, { scope, type }) => {
      // How and when, kept on the tombstone for the Deleted banner (the sync echo leaves it alone).
      updateScope(queryClient, client.userId, scope, (data) =>
        withDeletion(data, type, { by: 'this-app', method: result.method, at: Date.now() }),
      );
    },
    onError: (error, target, snapshot) => {
      rollBack(queryClient, client.userId, target, snapshot, 'Delete', error);
    },
    onSettled: (result, error, { scope, type }) => {
      report(
        onWrite,
        { scope, type, content: null, action: 'delete' },
        result
          ? { method: deleteMethod(scope, result) }
          : { error: error ?? new Error('The delete failed.') },
      );
      return reconcile(queryClient, client, pending, { scope, type });
    },
  });
}
