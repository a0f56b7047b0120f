import { entryKey } from '../matrix/entry-key.ts';
import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { connectSyncToCaches } from './sync-bridge.ts';
import type { AccountDataSync, SyncListener, SyncStatus } from '../matrix/types.ts';
import { accountDataKeys } from '../features/account-data/queries.ts';
import type { RoomsData, ScopeData } from '../features/account-data/model.ts';
import { PendingWrites } from '../features/account-data/pending-writes.ts';
import { createSyncStatusStore } from '../features/sync-status/sync-status-store.ts';

class FakeEngine implements AccountDataSync {
  listeners = new Set<SyncListener>();
  status: SyncStatus = { state: 'connecting' };
  start(): void {}
  stop(): void {}
  subscribe(listener: SyncListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(...batch: Parameters<SyncListener>[0]) {
    for (const l of this.listeners) l(batch);
  }
}

function setup() {
  const engine = new FakeEngine();
  const queryClient = new QueryClient();
  const statusStore = createSyncStatusStore();
  const pendingWrites = new PendingWrites();
  const off = connectSyncToCaches({
    engine,
    queryClient,
    userId: '@me:x',
    statusStore,
    pendingWrites,
    now: () => 42,
  });
  return { engine, queryClient, statusStore, pendingWrites, off };
}

describe('connectSyncToCaches', () => {
  it('mirrors the engine status into the store', () => {
    const { engine, statusStore } = setup();
    expect(statusStore.getState().status).toEqual({ state: 'connecting' });
    engine.emit({ kind: 'status', status: { state: 'live' } });
    expect(statusStore.getState().status).toEqual({ state: 'live' });
  });

  it('marks the device list stale when sync says the own device list changed (issue #10), and only then', () => {
    const { engine, queryClient } = setup();
    const devicesKey = accountDataKeys.devices('@me:x');
    queryClient.setQueryData(devicesKey, [{ device_id: 'A' }]);
    engine.emit({ kind: 'changed', scope: { kind: 'global' }, type: 'x.y', content: { a: 1 } });
    expect(queryClient.getQueryState(devicesKey)?.isInvalidated).toBe(false);
    engine.emit({ kind: 'device-list-changed' });
    expect(queryClient.getQueryState(devicesKey)?.isInvalidated).toBe(true);
    // A device-list change alone touches no account-data cache.
    expect(queryClient.getQueryData(accountDataKeys.deviceData('@me:x'))).toBeUndefined();
  });

  it('fills the global and rooms caches from a batch', () => {
    const { engine, queryClient } = setup();
    engine.emit(
      { kind: 'global-snapshot', data: { 'm.direct': { '@b:x': ['!r:x'] } }, deleted: [] },
      { kind: 'room-added', room: { roomId: '!r:x', name: 'R' } },
      {
        kind: 'room-snapshot',
        roomId: '!r:x',
        data: { 'm.tag': { tags: { 'm.favourite': {} } } },
        deleted: [],
      },
    );
    const global = queryClient.getQueryData<ScopeData>(accountDataKeys.global('@me:x'));
    const rooms = queryClient.getQueryData<RoomsData>(accountDataKeys.rooms('@me:x'));
    expect(global?.['m.direct']?.content).toEqual({ '@b:x': ['!r:x'] });
    expect(rooms?.byId.get('!r:x')?.data['m.tag']?.content).toEqual({ tags: { 'm.favourite': {} } });
  });

  it('ignores pushes for a key with a pending write, and applies them after', () => {
    const { engine, queryClient, pendingWrites } = setup();
    engine.emit({ kind: 'global-snapshot', data: { t: { v: 1 } }, deleted: [] });
    pendingWrites.begin(entryKey({ kind: 'global' }, 't'));
    engine.emit({ kind: 'changed', scope: { kind: 'global' }, type: 't', content: { v: 2 } });
    expect(queryClient.getQueryData<ScopeData>(accountDataKeys.global('@me:x'))?.t?.content).toEqual({
      v: 1,
    });
    pendingWrites.end(entryKey({ kind: 'global' }, 't'));
    engine.emit({ kind: 'changed', scope: { kind: 'global' }, type: 't', content: { v: 3 } });
    expect(queryClient.getQueryData<ScopeData>(accountDataKeys.global('@me:x'))?.t?.content).toEqual({
      v: 3,
    });
  });

  it('stops listening after unsubscribe', () => {
    const { engine, queryClient, off } = setup();
    off();
    engine.emit({ kind: 'global-snapshot', data: { t: { v: 1 } }, deleted: [] });
    expect(queryClient.getQueryData(accountDataKeys.global('@me:x'))).toBeUndefined();
  });
});

describe('connectSyncToCaches: the admin fast path (ADR 013)', () => {
  it('merges the preload as provisional data, says so in the status store, and sync replaces it', async () => {
    const engine = new FakeEngine();
    const queryClient = new QueryClient();
    const statusStore = createSyncStatusStore();
    connectSyncToCaches({
      engine,
      queryClient,
      userId: '@me:x',
      statusStore,
      pendingWrites: new PendingWrites(),
      now: () => 42,
      preload: Promise.resolve({
        global: { 'm.direct': { '@b:x': [] }, 'x.old': { v: 1 } },
        rooms: { '!a:x': { 'x.r': { n: 1 } }, '!left:x': { 'x.r': { n: 2 } } },
        joinedRooms: new Set(['!a:x']),
      }),
    });
    await Promise.resolve();
    await Promise.resolve();
    const globalKey = accountDataKeys.global('@me:x');
    const roomsKey = accountDataKeys.rooms('@me:x');
    expect(queryClient.getQueryData<ScopeData>(globalKey)?.['x.old']?.isProvisional).toBe(true);
    expect(queryClient.getQueryData<RoomsData>(roomsKey)?.order).toEqual(['!a:x']);
    expect(statusStore.getState().preload).toEqual({ source: 'admin-api', entries: 3, rooms: 1, at: 42 });

    engine.emit({ kind: 'global-snapshot', data: { 'm.direct': { '@b:x': [] } }, deleted: [] });
    const global = queryClient.getQueryData<ScopeData>(globalKey);
    expect(Object.keys(global ?? {})).toEqual(['m.direct']);
    expect(global?.['m.direct']?.isProvisional).toBeUndefined();
    expect(global?.['m.direct']?.changedAt).toBeUndefined();
    engine.emit({ kind: 'initial-complete', roomCount: 0 });
    expect(queryClient.getQueryData<RoomsData>(roomsKey)?.order).toEqual([]);
  });

  it('a preload that lands after sync delivered everything adds nothing', async () => {
    const engine = new FakeEngine();
    const queryClient = new QueryClient();
    const statusStore = createSyncStatusStore();
    let resolve!: (v: {
      global: Record<string, never>;
      rooms: Record<string, never>;
      joinedRooms: Set<string>;
    }) => void;
    connectSyncToCaches({
      engine,
      queryClient,
      userId: '@me:x',
      statusStore,
      pendingWrites: new PendingWrites(),
      preload: new Promise((r) => {
        resolve = r;
      }),
    });
    engine.emit({ kind: 'global-snapshot', data: { 'x.a': { a: 1 } }, deleted: [] });
    const before = queryClient.getQueryData(accountDataKeys.global('@me:x'));
    resolve({ global: {}, rooms: {}, joinedRooms: new Set() });
    await Promise.resolve();
    await Promise.resolve();
    expect(queryClient.getQueryData(accountDataKeys.global('@me:x'))).toBe(before);
    expect(statusStore.getState().preload).toBeNull();
  });
});
