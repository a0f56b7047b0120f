/**
 * Per-device account data (MSC4331) has no listing endpoint (docs/protocol.md §5): the app reads
 * candidate types on a device when the user looks at it — the catalogue of known per-device types,
 * the types sync reported for any device, and the types the user looked up by hand — and folds what
 * it finds into the `deviceData` cache that sync deltas fill too.
 */
import { useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';
import { jsonEqual } from '../../matrix/json.ts';
import { PER_DEVICE_CATALOGUE } from '../../matrix/per-device.ts';
import type { JsonObject } from '../../matrix/types.ts';
import { updateScope } from './cache.ts';
import type { DeviceTypesDb } from './device-types-db.ts';
import { liveEntry, tombstone, type DevicesData, type ScopeData } from './model.ts';
import { accountDataKeys } from './queries.ts';

/** One read: the type's content, or null when the device has none. */
export type DeviceRead = { type: string; content: JsonObject | null };

/**
 * Folds one device's reads into its data. A read never overrides an entry that changed (through
 * sync or a write) after the read began; an absent type removes nothing it never saw, and turns a
 * live entry into a tombstone (deleted meanwhile). Returns the same object when nothing changed.
 */
export function mergeDeviceReads(
  data: ScopeData,
  reads: readonly DeviceRead[],
  startedAt: number,
  now: number,
): ScopeData {
  let next: Record<string, ScopeData[string]> | undefined;
  for (const { type, content } of reads) {
    const current = data[type];
    if (current?.changedAt !== undefined && current.changedAt >= startedAt) continue;
    if (content === null) {
      if (!current || current.isDeleted) continue;
      (next ??= { ...data })[type] = tombstone(type, current, now);
      continue;
    }
    if (current && !current.isDeleted && current.content && jsonEqual(current.content, content)) continue;
    // First sight of an entry counts as "from the start", like a snapshot; a later difference as a change.
    (next ??= { ...data })[type] = liveEntry(type, content, current ? now : undefined);
  }
  return next ?? data;
}

/** Every type worth reading on every device: catalogue, types sync reported, remembered lookups. */
export function candidateTypes(
  deviceData: DevicesData | undefined,
  remembered: readonly string[] | undefined,
): string[] {
  const types = new Set<string>(PER_DEVICE_CATALOGUE);
  for (const data of deviceData?.values() ?? []) for (const type of Object.keys(data)) types.add(type);
  for (const type of remembered ?? []) types.add(type);
  return [...types].sort();
}

async function readDevice(
  client: MatrixClient,
  queryClient: QueryClient,
  deviceId: string,
  types: readonly string[],
  signal: AbortSignal,
): Promise<number> {
  const startedAt = Date.now();
  const scope = { kind: 'device', deviceId } as const;
  const reads = await Promise.all(
    types.map(async (type): Promise<DeviceRead> => {
      const result = await client.getAccountData(scope, type, { signal });
      return { type, content: result.status === 'content' ? result.content : null };
    }),
  );
  updateScope(queryClient, client.userId, scope, (data) =>
    mergeDeviceReads(data, reads, startedAt, Date.now()),
  );
  return reads.filter((r) => r.content !== null).length;
}

/** The types the user looked up by hand, from IndexedDB (empty while loading or when it fails). */
export function useRememberedDeviceTypes(userId: string, db: DeviceTypesDb): string[] | undefined {
  return useQuery({
    queryKey: accountDataKeys.deviceTypes(userId),
    queryFn: () => db.all(userId).catch(() => []),
    staleTime: Infinity,
  }).data;
}

/**
 * Reads the candidate types on each of `deviceIds` once (again when the candidates change), when
 * the server supports MSC4331. Results land in the `deviceData` cache; sync keeps them fresh after.
 */
export function useDeviceReads(
  client: MatrixClient,
  deviceIds: readonly string[],
  types: readonly string[],
  isSupported: boolean | undefined,
): DeviceReadsState {
  const queryClient = useQueryClient();
  return useQueries({
    // The client and query client belong to the signed-in user, whose ID is in the key.
    // eslint-disable-next-line @tanstack/query/exhaustive-deps
    queries: deviceIds.map((deviceId) => ({
      queryKey: accountDataKeys.deviceReads(client.userId, deviceId, types),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        readDevice(client, queryClient, deviceId, types, signal),
      enabled: isSupported === true,
      staleTime: Infinity,
      retry: 1,
    })),
    combine: (results) => {
      const byId = new Map(deviceIds.map((id, i) => [id, results[i]]));
      return {
        isLoading: (id: string) => byId.get(id)?.isFetching === true,
        error: (id: string) => byId.get(id)?.error ?? null,
      };
    },
  });
}

/** How reading each device's candidate types goes. */
export type DeviceReadsState = {
  isLoading: (deviceId: string) => boolean;
  error: (deviceId: string) => Error | null;
};
