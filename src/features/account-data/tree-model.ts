/**
 * Flattens global, room and device data into the visible rows of the tree, applying expansion and
 * the filter. Pure, so it is unit-tested and benchmarked without a browser.
 *
 * Row accessible names start with what the row *is*: the event type for entries, the room's display
 * name for rooms, the group name for groups (the acceptance tests rely on this).
 */
import type { TreeNode } from '../../components/tree-view.tsx';
import type { AccountDataScope } from '../../matrix/types.ts';
import { isSecretType, isServerManaged } from '../../matrix/known-types.ts';
import { formatBytes } from '../../lib/format.ts';
import type { Entry, RoomData, RoomsData, ScopeData } from './model.ts';
import { deviceRowId, entryRowId, roomRowId } from './row-ids.ts';

export type DeviceInfo = { device_id: string; display_name?: string; last_seen_ts?: number };

export type GroupId = 'global' | 'rooms' | 'devices';

export type AccountDataRow = TreeNode &
  (
    | { kind: 'group'; group: GroupId; count: number; summary: string }
    | { kind: 'room'; room: RoomData; count: number; summary: string }
    | { kind: 'device'; device: DeviceInfo; isCurrent: boolean; summary: string }
    | { kind: 'entry'; scope: AccountDataScope; entry: Entry; badges: EntryBadge[] }
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
  currentDeviceId: string;
  expanded: ReadonlySet<string>;
  filter: string;
  /** Whether to show tombstones. Default true: deletions stay visible. */
  showDeleted?: boolean;
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

function matches(entry: Entry, needle: string): boolean {
  if (entry.type.toLowerCase().includes(needle)) return true;
  const text = entry.isDeleted ? '' : entry.text;
  return text.toLowerCase().includes(needle);
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

function entriesOf(data: ScopeData, showDeleted: boolean): Entry[] {
  const list = Object.values(data);
  return (showDeleted ? list : list.filter((e) => !e.isDeleted)).sort(byType);
}

/** Builds the visible rows. */
export function buildTreeRows(input: TreeInput): AccountDataRow[] {
  const needle = input.filter.trim().toLowerCase();
  const isFiltering = needle !== '';
  const showDeleted = input.showDeleted ?? true;
  const rows: AccountDataRow[] = [];

  const pushEntries = (scope: AccountDataScope, entries: readonly Entry[], level: number) => {
    entries.forEach((entry, i) => {
      const badges = entryBadges(scope, entry);
      rows.push({
        kind: 'entry',
        id: entryRowId(scope, entry.type),
        level,
        label: entry.type,
        expandable: false,
        setSize: entries.length,
        posInSet: i + 1,
        scope,
        entry,
        badges,
      });
    });
  };

  // Global
  const globalAll = input.global ? entriesOf(input.global, showDeleted) : [];
  const globalShown = isFiltering ? globalAll.filter((e) => matches(e, needle)) : globalAll;
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
    const nameMatch =
      room.info.name.toLowerCase().includes(needle) || room.info.roomId.toLowerCase().includes(needle);
    const hits = nameMatch ? all : all.filter((e) => matches(e, needle));
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

  // Devices (their per-device entries arrive with a later issue)
  const devices = input.devices ?? [];
  const devicesShown = isFiltering
    ? devices.filter(
        (d) =>
          d.device_id.toLowerCase().includes(needle) || (d.display_name ?? '').toLowerCase().includes(needle),
      )
    : devices;
  const devicesExpanded = isFiltering ? devicesShown.length > 0 : input.expanded.has(GROUP_IDS.devices);
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
    if (!input.devices) rows.push(messageRow('msg:devices', 'Loading devices…', 2));
    devicesShown.forEach((device, i) => {
      const isCurrent = device.device_id === input.currentDeviceId;
      rows.push({
        kind: 'device',
        id: deviceRowId(device.device_id),
        level: 2,
        label: device.display_name || device.device_id,
        summary: `${device.device_id}${isCurrent ? ' · this inspector' : ''}`,
        expandable: false,
        setSize: devicesShown.length,
        posInSet: i + 1,
        device,
        isCurrent,
      });
    });
  }
  if (isFiltering && globalShown.length + roomsShown.length + devicesShown.length === 0) {
    rows.push(messageRow('msg:filter', `Nothing matches “${input.filter.trim()}”`, 1));
  }
  return rows;
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
