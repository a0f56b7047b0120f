/**
 * Reading and patching one scope's data inside the TanStack Query caches (global, one room inside
 * the rooms map, or one device inside the device-data map). Used by optimistic writes and their
 * reconcile step.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AccountDataScope } from '../../matrix/types.ts';
import {
  emptyDevices,
  emptyRooms,
  type DevicesData,
  type Entry,
  type RoomsData,
  type ScopeData,
} from './model.ts';
import { accountDataKeys } from './queries.ts';

export function readEntry(
  queryClient: QueryClient,
  userId: string,
  scope: AccountDataScope,
  type: string,
): Entry | undefined {
  switch (scope.kind) {
    case 'global':
      return queryClient.getQueryData<ScopeData>(accountDataKeys.global(userId))?.[type];
    case 'room':
      return queryClient.getQueryData<RoomsData>(accountDataKeys.rooms(userId))?.byId.get(scope.roomId)?.data[
        type
      ];
    case 'device':
      return queryClient.getQueryData<DevicesData>(accountDataKeys.deviceData(userId))?.get(scope.deviceId)?.[
        type
      ];
  }
}

/** Applies `update` to the scope's data. */
export function updateScope(
  queryClient: QueryClient,
  userId: string,
  scope: AccountDataScope,
  update: (data: ScopeData) => ScopeData,
): void {
  switch (scope.kind) {
    case 'global':
      queryClient.setQueryData<ScopeData>(accountDataKeys.global(userId), (old) => update(old ?? {}));
      return;
    case 'room':
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
      return;
    case 'device':
      queryClient.setQueryData<DevicesData>(accountDataKeys.deviceData(userId), (old) => {
        const devices = old ?? emptyDevices;
        const current = devices.get(scope.deviceId) ?? {};
        const data = update(current);
        return data === current && devices.has(scope.deviceId)
          ? devices
          : new Map(devices).set(scope.deviceId, data);
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
