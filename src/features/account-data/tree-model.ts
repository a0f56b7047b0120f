/**
 * Flattens global, room and device data into the visible rows of the tree, applying expansion and
 * the filter. Pure, so it is unit-tested and benchmarked without a browser.
 *
 * Row accessible names start with what the row *is*: the event type for entries, the room's display
 * name for rooms, the group name for groups (the acceptance tests rely on this).
 */
import type { TreeNode } from '../../components/tree-view.tsx';
import type { AccountDataScope } from '../../matrix/types.ts';
import { entryKey, type EntryKey } from '../../matrix/entry-key.ts';
import {
  ELEMENT_CLIENT_INFORMATION_PREFIX,
  isSecretType,
  isServerManaged,
} from '../../matrix/known-types.ts';
import { formatBytes } from '../../lib/format.ts';
import {
  clientInformationOf,
  DEVICE_DATA_UNSUPPORTED,
  findOrphans,
  perDeviceEntriesOf,
} from '../../matrix/per-device.ts';
import type { DevicesData, Entry, RoomData, RoomsData, ScopeData } from './model.ts';
import { aliasRowId, deviceRowId, entryRowId, ORPHANS_ROW_ID, roomRowId } from './row-ids.ts';

export type DeviceInfo = {
  device_id: string;
  display_name?: string;
  last_seen_ts?: number;
  last_seen_ip?: string;
};

/** The Devices group's one line on servers without MSC4331 (issue #10 names it). */
export { DEVICE_DATA_UNSUPPORTED };

export type GroupId = 'global' | 'rooms' | 'devices';

export type AccountDataRow = TreeNode &
  (
    | { kind: 'group'; group: GroupId; count: number; summary: string }
    | { kind: 'room'; room: RoomData; count: number; summary: string }
    | {
        kind: 'device';
        device: DeviceInfo;
        isCurrent: boolean;
        summary: string;
        /** Client name and version from `io.element.matrix_client_information.<id>`, if any. */
        client: string | undefined;
        count: number;
      }
    | { kind: 'orphans'; count: number; summary: string }
    /** `isAlias`: the entry's second place in the tree (under a device or "Orphaned entries"). */
    | { kind: 'entry'; scope: AccountDataScope; entry: Entry; badges: EntryBadge[]; isAlias: boolean }
    | { kind: 'message'; text: string }
  );

export type EntryBadge = 'server-managed' | 'secret' | 'deleted';

export const GROUP_IDS: Record<GroupId, string> = {
  global: 'group:global',
  rooms: 'group:rooms',
  devices: 'group:devices',
};

export type TreeInput = {
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  devices: readonly DeviceInfo[] | undefined;
  /** Per-device account data (MSC4331) read so far, by device. */
  deviceData?: DevicesData | undefined;
  /** Whether the server stores per-device account data; undefined while unknown. */
  deviceSupport?: boolean | undefined;
  /** Leave the Devices group out (a view that cannot list the user's devices, ADR 013). */
  omitDevices?: boolean | undefined;
  currentDeviceId: string;
  expanded: ReadonlySet<string>;
  filter: string;
  /** Whether to show tombstones. Default true: deletions stay visible. */
  showDeleted?: boolean;
  /** Secret entries the person revealed: only their content is searched by the filter (issue #14). */
  revealed?: ReadonlySet<EntryKey>;
};

export function entryBadges(scope: AccountDataScope, entry: Entry): EntryBadge[] {
  const badges: EntryBadge[] = [];
  if (isServerManaged(entry.type, scope)) badges.push('server-managed');
  if (isSecretType(entry.type, entry.content ?? entry.lastContent)) badges.push('secret');
  if (entry.isDeleted) badges.push('deleted');
  return badges;
}

/** Secondary text of an entry row: its size, or "deleted". Badges are rendered beside it. */
export function entrySummary(entry: Entry): string {
  return entry.isDeleted ? '' : formatBytes(entry.size);
}

const byType = (a: Entry, b: Entry) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);

/**
 * What the filter searches in an entry — its type and its content — lower-cased once per entry
 * object: entries are immutable and replaced on change, so a keystroke on 10,000 rooms lower-cases
 * nothing. A secret entry's content is searched only once revealed (issue #14).
 */
type Haystack = { type: string; content: string; isSecret: boolean };
const haystacks = new WeakMap<Entry, Haystack>();
function haystackOf(entry: Entry): Haystack {
  let haystack = haystacks.get(entry);
  if (haystack === undefined) {
    haystack = {
      type: entry.type.toLowerCase(),
      content: entry.isDeleted ? '' : entry.text.toLowerCase(),
      isSecret: isSecretType(entry.type, entry.content ?? entry.lastContent),
    };
    haystacks.set(entry, haystack);
  }
  return haystack;
}

function matches(
  entry: Entry,
  needle: string,
  scope: AccountDataScope,
  revealed: ReadonlySet<EntryKey> | undefined,
): boolean {
  const haystack = haystackOf(entry);
  if (haystack.type.includes(needle)) return true;
  if (haystack.isSecret && !revealed?.has(entryKey(scope, entry.type))) return false;
  return haystack.content.includes(needle);
}

/** Room names lower-cased once per room info object (the filter matches names too). */
const lowerNames = new WeakMap<RoomData['info'], string>();
function lowerNameOf(info: RoomData['info']): string {
  let name = lowerNames.get(info);
  if (name === undefined) {
    name = `${info.name}\u0000${info.roomId}`.toLowerCase();
    lowerNames.set(info, name);
  }
  return name;
}

/** Sorted rooms, memoised on the rooms object identity (sorting 10,000 names per keystroke is waste). */
const sortedRoomsCache = new WeakMap<RoomsData, RoomData[]>();
export function sortedRooms(rooms: RoomsData): RoomData[] {
  let sorted = sortedRoomsCache.get(rooms);
  if (!sorted) {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    sorted = rooms.order
      .map((id) => rooms.byId.get(id))
      .filter((r): r is RoomData => r !== undefined)
      .sort((a, b) => collator.compare(a.info.name, b.info.name) || (a.info.roomId < b.info.roomId ? -1 : 1));
    sortedRoomsCache.set(rooms, sorted);
  }
  return sorted;
}

/** A scope's entries sorted by type, memoised per scope object (unchanged rooms keep theirs). */
const entriesCache = new WeakMap<ScopeData, { all?: Entry[]; live?: Entry[] }>();
function entriesOf(data: ScopeData, showDeleted: boolean): Entry[] {
  let cached = entriesCache.get(data);
  if (!cached) {
    cached = {};
    entriesCache.set(data, cached);
  }
  const key = showDeleted ? 'all' : 'live';
  let list = cached[key];
  if (!list) {
    const values = Object.values(data);
    list = (showDeleted ? values : values.filter((e) => !e.isDeleted)).sort(byType);
    cached[key] = list;
  }
  return list;
}

/** Builds the visible rows. */
export function buildTreeRows(input: TreeInput): AccountDataRow[] {
  const needle = input.filter.trim().toLowerCase();
  const isFiltering = needle !== '';
  const showDeleted = input.showDeleted ?? true;
  const rows: AccountDataRow[] = [];

  /** Entry rows; `parentId` makes them an entry's second place in the tree (alias rows, `row-ids.ts`). */
  const pushEntries = (
    scope: AccountDataScope,
    entries: readonly Entry[],
    level: number,
    place: { parentId?: string; setSize?: number; offset?: number } = {},
  ) => {
    entries.forEach((entry, i) => {
      const badges = entryBadges(scope, entry);
      rows.push({
        kind: 'entry',
        id:
          place.parentId === undefined
            ? entryRowId(scope, entry.type)
            : aliasRowId(place.parentId, scope, entry.type),
        level,
        label: entry.type,
        expandable: false,
        setSize: place.setSize ?? entries.length,
        posInSet: (place.offset ?? 0) + i + 1,
        scope,
        entry,
        badges,
        isAlias: place.parentId !== undefined,
      });
    });
  };

  // Global
  const globalAll = input.global ? entriesOf(input.global, showDeleted) : [];
  const { revealed } = input;
  const GLOBAL: AccountDataScope = { kind: 'global' };
  const globalShown = isFiltering ? globalAll.filter((e) => matches(e, needle, GLOBAL, revealed)) : globalAll;
  const globalExpanded = isFiltering ? globalShown.length > 0 : input.expanded.has(GROUP_IDS.global);
  const countText = (shown: number, all: number, noun: string) =>
    `${isFiltering ? `${shown} of ${all}` : all} ${noun}`;
  rows.push(
    groupRow(
      'global',
      'Global',
      countText(globalShown.length, globalAll.length, 'entries'),
      globalExpanded,
      globalShown.length,
    ),
  );
  /** The placeholder under an expanded group with nothing to list, if any. */
  const emptyGroupRow = (group: GroupId, isLoaded: boolean, shown: number, emptyText: string) => {
    if (!isLoaded) rows.push(messageRow(`msg:${group}`, 'Waiting for the first sync…', 2));
    else if (shown === 0) rows.push(messageRow(`msg:${group}`, isFiltering ? 'No matches' : emptyText, 2));
  };

  if (globalExpanded) {
    emptyGroupRow('global', input.global !== undefined, globalShown.length, 'No global account data');
    pushEntries({ kind: 'global' }, globalShown, 2);
  }

  // Rooms
  const rooms = input.rooms ? sortedRooms(input.rooms) : [];
  type Shown = { room: RoomData; entries: Entry[]; total: number };
  const roomsShown: Shown[] = [];
  for (const room of rooms) {
    const all = entriesOf(room.data, showDeleted);
    if (!isFiltering) {
      roomsShown.push({ room, entries: all, total: all.length });
      continue;
    }
    const nameMatch = lowerNameOf(room.info).includes(needle);
    const scope: AccountDataScope = { kind: 'room', roomId: room.info.roomId };
    const hits = nameMatch ? all : all.filter((e) => matches(e, needle, scope, revealed));
    if (hits.length > 0 || nameMatch) roomsShown.push({ room, entries: hits, total: all.length });
  }
  const roomsExpanded = isFiltering ? roomsShown.length > 0 : input.expanded.has(GROUP_IDS.rooms);
  rows.push(
    groupRow(
      'rooms',
      'Rooms',
      countText(roomsShown.length, rooms.length, 'rooms'),
      roomsExpanded,
      roomsShown.length,
    ),
  );
  if (roomsExpanded) {
    emptyGroupRow('rooms', input.rooms !== undefined, roomsShown.length, 'No joined rooms');
    roomsShown.forEach(({ room, entries, total }, i) => {
      const id = roomRowId(room.info.roomId);
      const expanded = isFiltering ? entries.length > 0 : input.expanded.has(id);
      rows.push({
        kind: 'room',
        id,
        level: 2,
        label: room.info.name,
        summary: `${total} ${total === 1 ? 'entry' : 'entries'}`,
        expandable: true,
        expanded,
        setSize: roomsShown.length,
        posInSet: i + 1,
        room,
        count: total,
      });
      if (expanded) {
        if (entries.length === 0) rows.push(messageRow(`msg:${id}`, 'No room account data', 3));
        else pushEntries({ kind: 'room', roomId: room.info.roomId }, entries, 3);
      }
    });
  }

  if (input.omitDevices) {
    if (isFiltering && globalShown.length + roomsShown.length === 0) {
      rows.push(messageRow('msg:filter', `Nothing matches “${input.filter.trim()}”`, 1));
    }
    return rows;
  }

  // Devices: each device's MSC4331 entries and its per-device global entries, then orphans.
  const devices = input.devices ? sortedDevices(input.devices, input.currentDeviceId) : [];
  const perDevice = input.global
    ? perDeviceGlobalEntries(input.global, showDeleted)
    : new Map<string, Entry[]>();
  type DeviceShown = { device: DeviceInfo; own: Entry[]; aliases: Entry[]; client: string | undefined };
  const devicesShown: DeviceShown[] = [];
  for (const device of devices) {
    const own = input.deviceData?.get(device.device_id);
    const ownAll = own ? entriesOf(own, showDeleted) : [];
    const aliasAll = perDevice.get(device.device_id) ?? [];
    const client = clientText(input.global, device.device_id);
    if (!isFiltering) {
      devicesShown.push({ device, own: ownAll, aliases: aliasAll, client });
      continue;
    }
    const deviceMatch = [device.device_id, device.display_name ?? '', client ?? ''].some((text) =>
      text.toLowerCase().includes(needle),
    );
    const deviceScope: AccountDataScope = { kind: 'device', deviceId: device.device_id };
    const own_ = deviceMatch ? ownAll : ownAll.filter((e) => matches(e, needle, deviceScope, revealed));
    const aliases = deviceMatch ? aliasAll : aliasAll.filter((e) => matches(e, needle, GLOBAL, revealed));
    if (deviceMatch || own_.length + aliases.length > 0) {
      devicesShown.push({ device, own: own_, aliases, client });
    }
  }
  const orphanAll = input.devices && input.global ? orphanEntries(input.global, input.devices) : [];
  const orphansShown = isFiltering
    ? orphanAll.filter((e) => matches(e, needle, GLOBAL, revealed))
    : orphanAll;
  const hasOrphansNode = orphansShown.length > 0;
  const devicesExpanded = isFiltering
    ? devicesShown.length > 0 || hasOrphansNode
    : input.expanded.has(GROUP_IDS.devices);
  rows.push(
    groupRow(
      'devices',
      'Devices',
      `${devices.length} ${devices.length === 1 ? 'device' : 'devices'}`,
      devicesExpanded,
      devicesShown.length,
    ),
  );
  if (devicesExpanded) {
    if (input.deviceSupport === false) {
      rows.push(messageRow('msg:devices-unsupported', DEVICE_DATA_UNSUPPORTED, 2));
    }
    if (!input.devices) rows.push(messageRow('msg:devices', 'Loading devices…', 2));
    const siblings = devicesShown.length + (hasOrphansNode ? 1 : 0);
    devicesShown.forEach(({ device, own, aliases, client }, i) => {
      const isCurrent = device.device_id === input.currentDeviceId;
      const id = deviceRowId(device.device_id);
      const count = own.length + aliases.length;
      const expanded = isFiltering ? count > 0 : input.expanded.has(id);
      rows.push({
        kind: 'device',
        id,
        level: 2,
        label: device.display_name || device.device_id,
        summary: [device.device_id, isCurrent ? 'this inspector' : undefined, client]
          .filter((part) => part !== undefined)
          .join(' · '),
        expandable: true,
        expanded,
        setSize: siblings,
        posInSet: i + 1,
        device,
        isCurrent,
        client,
        count,
      });
      if (!expanded) return;
      if (count === 0) {
        rows.push(messageRow(`msg:${id}`, 'No per-device entries', 3));
        return;
      }
      const scope: AccountDataScope = { kind: 'device', deviceId: device.device_id };
      pushEntries(scope, own, 3, { setSize: count });
      pushEntries({ kind: 'global' }, aliases, 3, { parentId: id, setSize: count, offset: own.length });
    });
    if (hasOrphansNode) {
      const expanded = isFiltering || input.expanded.has(ORPHANS_ROW_ID);
      rows.push({
        kind: 'orphans',
        id: ORPHANS_ROW_ID,
        level: 2,
        label: 'Orphaned entries',
        summary: `${countText(orphansShown.length, orphanAll.length, orphanAll.length === 1 ? 'entry' : 'entries')} of signed-out devices`,
        expandable: true,
        expanded,
        setSize: siblings,
        posInSet: siblings,
        count: orphanAll.length,
      });
      if (expanded) pushEntries({ kind: 'global' }, orphansShown, 3, { parentId: ORPHANS_ROW_ID });
    }
  }
  if (
    isFiltering &&
    globalShown.length + roomsShown.length + devicesShown.length + orphansShown.length === 0
  ) {
    rows.push(messageRow('msg:filter', `Nothing matches “${input.filter.trim()}”`, 1));
  }
  return rows;
}

/** This inspector's device first, then by name (or ID), memoised on the list's identity. */
const sortedDevicesCache = new WeakMap<readonly DeviceInfo[], DeviceInfo[]>();
function sortedDevices(devices: readonly DeviceInfo[], currentDeviceId: string): DeviceInfo[] {
  let sorted = sortedDevicesCache.get(devices);
  if (!sorted) {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    const name = (d: DeviceInfo) => d.display_name || d.device_id;
    sorted = [...devices].sort(
      (a, b) =>
        Number(b.device_id === currentDeviceId) - Number(a.device_id === currentDeviceId) ||
        collator.compare(name(a), name(b)) ||
        (a.device_id < b.device_id ? -1 : 1),
    );
    sortedDevicesCache.set(devices, sorted);
  }
  return sorted;
}

/** Global per-device entries (`<prefix>.<deviceId>`, docs/protocol.md §5) by device, sorted by type. */
function perDeviceGlobalEntries(global: ScopeData, showDeleted: boolean): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  for (const [deviceId, types] of perDeviceEntriesOf(Object.keys(global))) {
    const entries = types
      .map((type) => global[type])
      .filter((e): e is Entry => e !== undefined && (showDeleted || !e.isDeleted))
      .sort(byType);
    if (entries.length > 0) out.set(deviceId, entries);
  }
  return out;
}

/** Live global per-device entries whose device is not in the device list. */
export function orphanEntries(global: ScopeData, devices: readonly DeviceInfo[]): Entry[] {
  const live = Object.values(global)
    .filter((e) => !e.isDeleted)
    .map((e) => e.type);
  return findOrphans(live, new Set(devices.map((d) => d.device_id)))
    .map((type) => global[type])
    .filter((e): e is Entry => e !== undefined);
}

/** What the device's `io.element.matrix_client_information.<id>` entry says, if it has one. */
export function deviceClientInfo(global: ScopeData | undefined, deviceId: string) {
  const content = global?.[`${ELEMENT_CLIENT_INFORMATION_PREFIX}${deviceId}`]?.content;
  return content ? clientInformationOf(content) : undefined;
}

/** "Element 1.11.85" from the device's client-information entry, if it has one. */
export function clientText(global: ScopeData | undefined, deviceId: string): string | undefined {
  const info = deviceClientInfo(global, deviceId);
  if (!info) return undefined;
  const text = [info.name, info.version].filter((part) => part !== undefined && part !== '').join(' ');
  return text === '' ? undefined : text;
}

const GROUP_ORDER: readonly GroupId[] = ['global', 'rooms', 'devices'];

function groupRow(
  group: GroupId,
  label: string,
  summary: string,
  expanded: boolean,
  count: number,
): AccountDataRow {
  return {
    kind: 'group',
    group,
    id: GROUP_IDS[group],
    level: 1,
    label,
    summary,
    expandable: true,
    expanded,
    setSize: GROUP_ORDER.length,
    posInSet: GROUP_ORDER.indexOf(group) + 1,
    count,
  };
}

function messageRow(id: string, text: string, level: number): AccountDataRow {
  return { kind: 'message', id, level, label: text, expandable: false, setSize: 1, posInSet: 1, text };
}
