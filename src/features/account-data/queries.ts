/**
 * Query keys and options for account data, from general to specific: user → scope → type.
 *
 * The scope-level queries (`global`, `rooms`, `deviceData`) are caches that only the sync bridge fills
 * (`skipToken`: there is no REST endpoint that lists account data, docs/protocol.md §2 "Listing everything");
 * they resolve when the first sync response lands. They are never stale, never refetched on focus
 * and never garbage-collected, because sync only resends a type when it changes.
 */
import { queryOptions, skipToken } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';
import type { Device } from '../../matrix/api/devices.ts';
import type { ServerCapabilities } from '../../matrix/types.ts';
import type { DevicesData, RoomsData, ScopeData } from './model.ts';

export const accountDataKeys = {
  all: (userId: string) => ['account-data', userId] as const,
  global: (userId: string) => [...accountDataKeys.all(userId), 'global'] as const,
  rooms: (userId: string) => [...accountDataKeys.all(userId), 'rooms'] as const,
  /** Per-device account data (MSC4331), filled by sync like the others. */
  deviceData: (userId: string) => [...accountDataKeys.all(userId), 'device-data'] as const,
  /** The device list (`GET /v3/devices`). */
  devices: (userId: string) => [...accountDataKeys.all(userId), 'devices'] as const,
  /** Whether the server stores per-device account data (MSC4331). */
  deviceSupport: (userId: string) => [...accountDataKeys.all(userId), 'device-support'] as const,
  /** Per-device types the user looked up by hand (IndexedDB). */
  deviceTypes: (userId: string) => [...accountDataKeys.all(userId), 'device-types'] as const,
  /** One device's reads of the candidate types (`types` sorted), which fill `deviceData`. */
  deviceReads: (userId: string, deviceId: string, types: readonly string[]) =>
    [...accountDataKeys.all(userId), 'device-reads', deviceId, types] as const,
  /** What the server can do for this user (MSC3391 DELETE decides how deletions are worded). */
  capabilities: (userId: string) => [...accountDataKeys.all(userId), 'capabilities'] as const,
};

const forever = { staleTime: Infinity, gcTime: Infinity, refetchOnWindowFocus: false } as const;

export const accountDataQueries = {
  /** The client's capabilities; the client caches and shares them, so this never refetches. */
  capabilities: (client: MatrixClient) =>
    queryOptions<ServerCapabilities>({
      queryKey: accountDataKeys.capabilities(client.userId),
      queryFn: ({ signal }) => client.getCapabilities({ signal }),
      ...forever,
    }),
  /**
   * The device list. Refetched when sync says it changed (the bridge invalidates it), on every
   * window focus and after this app signs a device out; never polled.
   */
  devices: (client: MatrixClient) =>
    queryOptions<Device[]>({
      queryKey: accountDataKeys.devices(client.userId),
      queryFn: ({ signal }) => client.getDevices({ signal }),
      staleTime: 5_000,
      refetchOnWindowFocus: 'always',
    }),
  /** MSC4331 support, probed once per client (stable path, then unstable; docs/protocol.md §5). */
  deviceSupport: (client: MatrixClient) =>
    queryOptions<boolean>({
      queryKey: accountDataKeys.deviceSupport(client.userId),
      queryFn: ({ signal }) => client.supportsDeviceAccountData({ signal }),
      ...forever,
    }),
  global: (userId: string) =>
    queryOptions<ScopeData>({ queryKey: accountDataKeys.global(userId), queryFn: skipToken, ...forever }),
  rooms: (userId: string) =>
    queryOptions<RoomsData>({ queryKey: accountDataKeys.rooms(userId), queryFn: skipToken, ...forever }),
  deviceData: (userId: string) =>
    queryOptions<DevicesData>({
      queryKey: accountDataKeys.deviceData(userId),
      queryFn: skipToken,
      ...forever,
    }),
};
