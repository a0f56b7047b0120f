/**
 * Reading and patching one scope's data inside the TanStack Query caches (global, or one room inside
 * the rooms map). Used by optimistic writes and their reconcile step.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AccountDataScope } from '../../matrix/types.ts';
import { emptyRooms, type Entry, type RoomsData, type ScopeData } from './model.ts';
import { accountDataKeys } from './queries.ts';

export function readEntry(
  queryClient: QueryClient,
  userId: string,
  scope: AccountDataScope,
  type: string,
): Entry | undefined {
  if (scope.kind === 'global')
    return queryClient.getQueryData<ScopeData>(accountDataKeys.global(userId))?.[type];
  if (scope.kind === 'room') {
    return queryClient.getQueryData<RoomsData>(accountDataKeys.rooms(userId))?.byId.get(scope.roomId)?.data[
      type
    ];
  }
  return undefined;
}

/** Applies `update` to the scope's data; a no-op for device scope (not cached here yet). */
export function updateScope(
  queryClient: QueryClient,
  userId: string,
  scope: AccountDataScope,
  update: (data: ScopeData) => ScopeData,
): void {
  if (scope.kind === 'global') {
    queryClient.setQueryData<ScopeData>(accountDataKeys.global(userId), (old) => update(old ?? {}));
    return;
  }
  if (scope.kind === 'room') {
    queryClient.setQueryData<RoomsData>(accountDataKeys.rooms(userId), (old) => {
      const rooms = old ?? emptyRooms;
      const room = rooms.byId.get(scope.roomId) ?? {
        info: { roomId: scope.roomId, name: scope.roomId },
        data: {},
      };
      const data = update(room.data);
      const isNew = !rooms.byId.has(scope.roomId);
      if (data === room.data && !isNew) return rooms;
      return {
        ...rooms,
        order: isNew ? [...rooms.order, scope.roomId] : rooms.order,
        byId: new Map(rooms.byId).set(scope.roomId, { ...room, data }),
      };
    });
  }
}

/** Puts an entry back exactly as it was (rollback), or removes it if it did not exist. */
export function restoreEntry(
  queryClient: QueryClient,
  userId: string,
  scope: AccountDataScope,
  type: string,
  previous: Entry | undefined,
): void {
  updateScope(queryClient, userId, scope, (data) => {
    if (previous) return { ...data, [type]: previous };
    if (!(type in data)) return data;
    const { [type]: _gone, ...rest } = data;
    return rest;
  });
}
