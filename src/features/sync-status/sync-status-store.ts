/**
 * Connection status of the live subscription, written only by the sync bridge.
 */
import { createStore, useStore } from 'zustand';
import type { SyncStatus } from '../../matrix/types.ts';

/** The admin fast path's provisional snapshot, once merged (ADR 013). */
export type SyncPreload = { source: 'admin-api'; entries: number; rooms: number; at: number };

export type SyncStatusState = {
  status: SyncStatus;
  /** Which engine is running: sliding sync or the `/v3/sync` fallback. */
  transport: 'sliding' | 'v3' | null;
  /** Set when account data was preloaded by the admin API while sync loads; null otherwise. */
  preload: SyncPreload | null;
  actions: {
    statusChanged: (status: SyncStatus) => void;
    transportChosen: (transport: 'sliding' | 'v3' | null) => void;
    preloaded: (preload: SyncPreload | null) => void;
  };
};

export function createSyncStatusStore() {
  return createStore<SyncStatusState>()((set) => ({
    status: { state: 'stopped' },
    transport: null,
    preload: null,
    actions: {
      statusChanged: (status) => {
        set({ status });
      },
      transportChosen: (transport) => {
        set({ transport });
      },
      preloaded: (preload) => {
        set({ preload });
      },
    },
  }));
}

export type SyncStatusStore = ReturnType<typeof createSyncStatusStore>;

/** The app's one status store. */
export const syncStatusStore = createSyncStatusStore();

export function useSyncStatus<T>(selector: (s: SyncStatusState) => T): T {
  return useStore(syncStatusStore, selector);
}
