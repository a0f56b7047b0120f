/**
 * The sync → cache bridge: the only module that knows both the sync engine and the caches.
 *
 *   engine (sliding sync or /v3/sync) ──batch──▶ foldSyncBatch ──▶ TanStack Query caches
 *                                       ├─status─▶ sync-status store
 *                                       └─device-list-changed─▶ refetch of the device list
 *
 * The engine emits one batch per server response; the bridge folds the whole batch into the
 * `global`, `rooms` and `deviceData` caches in one `setQueryData` each, so a 500-room window lands as one render.
 * Pushes for keys with a write in flight are skipped (the write's reconcile refetch settles them).
 *
 * The admin fast path (ADR 013): `preload`, an admin's own account data read in one request from the
 * admin API, is merged into the same caches as *provisional* entries while sync catches up; before
 * each batch is folded, the provisional entries of the scopes it delivers are dropped, so sync
 * replaces them (`features/account-data/provisional.ts` has the rules).
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AccountDataSync, SyncEvent } from '../matrix/types.ts';
import { accountDataKeys } from '../features/account-data/queries.ts';
import {
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  type DevicesData,
  type RoomsData,
  type ScopeData,
} from '../features/account-data/model.ts';
import type { PendingWrites } from '../features/account-data/pending-writes.ts';
import {
  anyProvisional,
  clearProvisional,
  mergeProvisional,
  type ProvisionalSnapshot,
} from '../features/account-data/provisional.ts';
import type { SyncStatusStore } from '../features/sync-status/sync-status-store.ts';

export type BridgeOptions = {
  engine: AccountDataSync;
  queryClient: QueryClient;
  userId: string;
  statusStore: SyncStatusStore;
  pendingWrites: PendingWrites;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Observer for every batch after it was applied (history, diagnostics). */
  onBatch?: (batch: readonly SyncEvent[]) => void;
  /**
   * The admin fast path's snapshot (null: not an admin, or it could not be read). Merged when it
   * resolves, into whatever sync has not delivered by then.
   */
  preload?: Promise<ProvisionalSnapshot | null>;
};

/** Subscribes the caches to the engine. Returns the unsubscribe function; does not start the engine. */
export function connectSyncToCaches(opts: BridgeOptions): () => void {
  const { engine, queryClient, userId, statusStore, pendingWrites } = opts;
  const now = opts.now ?? Date.now;
  const globalKey = accountDataKeys.global(userId);
  const roomsKey = accountDataKeys.rooms(userId);
  const devicesKey = accountDataKeys.deviceData(userId);
  let sawSnapshot = false;
  /** Whether the caches may hold provisional entries (checked before every fold while true). */
  let mayHoldProvisional = false;
  let isConnected = true;

  statusStore.getState().actions.statusChanged(engine.status);

  opts.preload
    ?.then((snapshot) => {
      if (!snapshot || !isConnected) return;
      const merged = mergeProvisional(
        {
          global: queryClient.getQueryData<ScopeData>(globalKey),
          rooms: queryClient.getQueryData<RoomsData>(roomsKey),
        },
        snapshot,
        sawSnapshot,
      );
      if (merged.added.entries === 0) return;
      mayHoldProvisional = true;
      if (merged.global !== undefined) queryClient.setQueryData(globalKey, merged.global);
      if (merged.rooms !== undefined) queryClient.setQueryData(roomsKey, merged.rooms);
      statusStore.getState().actions.preloaded({ source: 'admin-api', ...merged.added, at: now() });
    })
    .catch(() => undefined);

  const unsubscribe = engine.subscribe((batch) => {
    for (const event of batch) {
      if (event.kind === 'status') statusStore.getState().actions.statusChanged(event.status);
    }
    // The device list is a REST read: refetch it when sync says it changed, and once every room is
    // in (device-list changes are only asked for once live, docs/protocol.md §4.7).
    if (batch.some((e) => e.kind === 'device-list-changed' || e.kind === 'initial-complete')) {
      void queryClient.invalidateQueries({ queryKey: accountDataKeys.devices(userId) });
    }
    const hasData = batch.some((e) => e.kind !== 'status' && e.kind !== 'device-list-changed');
    if (!hasData) return;

    let global = queryClient.getQueryData<ScopeData>(globalKey) ?? {};
    let rooms = queryClient.getQueryData<RoomsData>(roomsKey) ?? emptyRooms;
    if (mayHoldProvisional) {
      ({ global, rooms } = clearProvisional({ global, rooms }, batch));
      mayHoldProvisional = anyProvisional({ global, rooms });
    }
    const devices = queryClient.getQueryData<DevicesData>(devicesKey) ?? emptyDevices;
    const next = foldSyncBatch({ global, rooms, devices }, batch, now(), {
      skip: (key) => pendingWrites.has(key),
    });

    const isFirst = !sawSnapshot && batch.some((e) => e.kind === 'global-snapshot');
    if (isFirst) sawSnapshot = true;
    if (next.global !== global || isFirst || queryClient.getQueryData(globalKey) === undefined) {
      queryClient.setQueryData(globalKey, next.global);
    }
    if (next.rooms !== rooms || queryClient.getQueryData(roomsKey) === undefined) {
      queryClient.setQueryData(roomsKey, next.rooms);
    }
    if (next.devices !== devices) queryClient.setQueryData(devicesKey, next.devices);
    opts.onBatch?.(batch);
  });
  return () => {
    isConnected = false;
    unsubscribe();
  };
}
