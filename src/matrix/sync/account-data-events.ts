/**
 * Turning `[{type, content}]` arrays from either sync API into {@link SyncEvent}s. Content `{}` is
 * a deletion (MSC3391, docs/protocol.md §3): it becomes a `deleted` event, or goes to a snapshot's
 * `deleted` list, and never into snapshot `data`.
 *
 * Also the one reader of MSC4331 per-device updates in sync ({@link parseDeviceAccountData}), and of
 * the device-list changes both sync APIs report ({@link namesUser}).
 */
import { isEmptyContent, isRecord } from '../json.ts';
import type { AccountDataScope, JsonObject, SyncEvent } from '../types.ts';

/** One account-data event as both sync APIs send it. */
export type AccountDataEvent = { type: string; content: JsonObject };

/** Keeps the well-formed `{type: string, content: object}` entries of a sync array. */
export function parseAccountDataEvents(raw: unknown): AccountDataEvent[] {
  if (!Array.isArray(raw)) return [];
  const out: AccountDataEvent[] = [];
  for (const item of raw as unknown[]) {
    if (isRecord(item) && typeof item.type === 'string' && isRecord(item.content)) {
      out.push({ type: item.type, content: item.content as JsonObject });
    }
  }
  return out;
}

/** Splits a full listing into live data and `{}` tombstones. A later entry of a type wins. */
export function toSnapshot(events: readonly AccountDataEvent[]): {
  data: Record<string, JsonObject>;
  deleted: string[];
} {
  const latest = new Map<string, JsonObject>();
  for (const e of events) latest.set(e.type, e.content);
  const data: Record<string, JsonObject> = {};
  const deleted: string[] = [];
  for (const [type, content] of latest) {
    if (isEmptyContent(content)) deleted.push(type);
    else data[type] = content;
  }
  return { data, deleted };
}

/** Incremental changes: `changed` for content, `deleted` for `{}`. */
export function toDeltas(scope: AccountDataScope, events: readonly AccountDataEvent[]): SyncEvent[] {
  return events.map((e) =>
    isEmptyContent(e.content)
      ? { kind: 'deleted', scope, type: e.type }
      : { kind: 'changed', scope, type: e.type, content: e.content },
  );
}

/**
 * Where MSC4331 per-device account-data updates are read in a sync reply's account-data container
 * (sliding sync's `extensions.account_data`, `/v3/sync`'s top-level `account_data`): an object
 * keyed by device ID. MSC4331 does not yet say where device updates go in sync (docs/protocol.md
 * §5); this field is our choice, read in this one place — change it here when the MSC settles.
 */
export const MSC4331_SYNC_FIELD = 'devices';

/**
 * MSC4331 device updates of one account-data container: `container.devices` (see
 * {@link MSC4331_SYNC_FIELD}) maps a device ID to `[{type, content}, …]` or to
 * `{events: [{type, content}, …]}`. Malformed parts (a non-object container or field, an empty
 * device ID, a value of another shape, events without a string `type` or object `content`) are
 * dropped; devices left without events are not in the result. These are always deltas: sync never
 * lists a device's types, so there is no per-device snapshot.
 */
export function parseDeviceAccountData(container: unknown): Map<string, AccountDataEvent[]> {
  const out = new Map<string, AccountDataEvent[]>();
  if (!isRecord(container)) return out;
  const devices = container[MSC4331_SYNC_FIELD];
  if (!isRecord(devices)) return out;
  for (const [deviceId, value] of Object.entries(devices)) {
    if (deviceId === '') continue;
    const events = parseAccountDataEvents(isRecord(value) ? value.events : value);
    if (events.length > 0) out.set(deviceId, events);
  }
  return out;
}

/** {@link parseDeviceAccountData} as `changed` / `deleted` events with a device scope. */
export function toDeviceDeltas(container: unknown): SyncEvent[] {
  const out: SyncEvent[] = [];
  for (const [deviceId, events] of parseDeviceAccountData(container)) {
    out.push(...toDeltas({ kind: 'device', deviceId }, events));
  }
  return out;
}

/**
 * Whether a `device_lists` object (`/v3/sync`'s top level, sliding sync's `extensions.e2ee`) names
 * `userId` in `changed`: Synapse puts the user there when one of their own devices was added,
 * removed or renamed (docs/protocol.md §4.7).
 */
export function namesUser(deviceLists: unknown, userId: string): boolean {
  if (!isRecord(deviceLists) || !Array.isArray(deviceLists.changed)) return false;
  return (deviceLists.changed as unknown[]).includes(userId);
}
