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

type EntryRow = Extract<AccountDataRow, { kind: 'entry' }>;
type RoomRow = Extract<AccountDataRow, { kind: 'room' }>;

/*
 * What the tree keeps between builds, by the immutable data objects it shows (so it goes when they
 * go): sorted entries, the filter's lower-cased text, and the rows of the last build. A row whose
 * data and place did not change is the same object as last time, so a filter keystroke on 10,000
 * rooms sorts and lower-cases nothing, allocates only the rows that changed, and the tree's memoised
 * rows re-render only when theirs did (issue #13). A kept row is used only when everything else it
 * shows (scope, place, expansion, count) is unchanged, so reuse never shows what a fresh row would not.
 */

/** An entry in one list of the tree, and what the tree keeps for it there. */
type EntryItem = {
  entry: Entry;
  /** What the filter searches, lower-cased on first use. */
  haystack?: { type: string; content: string; isSecret: boolean };
  row?: EntryRow;
};

/**
 * Items of entries listed a second time (under a device or "Orphaned entries"), by entry: those
 * lists are made anew by every build, and are short.
 */
const aliasItems = new WeakMap<Entry, EntryItem>();
function aliasItemOf(entry: Entry): EntryItem {
  let item = aliasItems.get(entry);
  if (item === undefined) {
    item = { entry };
    aliasItems.set(entry, item);
  }
  return item;
}

/** What the filter searches in an entry: its type and (unless deleted) its content, lower-cased. */
function haystackFor(entry: Entry): NonNullable<EntryItem['haystack']> {
  return {
    type: entry.type.toLowerCase(),
    content: entry.isDeleted ? '' : entry.text.toLowerCase(),
    isSecret: isSecretType(entry.type, entry.content ?? entry.lastContent),
  };
}

/** {@link haystackFor}, once per entry item. */
function haystackOf(item: EntryItem): NonNullable<EntryItem['haystack']> {
  return (item.haystack ??= haystackFor(item.entry));
}

/**
 * Prepares, a few rooms at a time, what the filter searches (each room's sorted entries and its
 * lower-cased text, {@link RoomSearch}) so that the first keystroke on a big account does not do it
 * for 30,000 entries at once (issue #13). Run it in idle time, one step (`ROOMS_PER_STEP` rooms) per
 * `next()`; scopes already prepared cost a lookup.
 */
export function* prepareFilter(
  global: ScopeData | undefined,
  rooms: RoomsData | undefined,
  showDeleted = true,
): Generator<void, void, void> {
  if (global) for (const item of scopeItems(global, showDeleted)) haystackOf(item);
  const { items, lists } = rooms ? roomListsOf(rooms, showDeleted) : { items: [], lists: [] };
  for (let i = 0; i < items.length; i++) {
    const room = items[i] as RoomItem;
    const list = lists[i] as EntryList;
    const search = roomSearchOf(room, list);
    // Flattened now (the first `indexOf` would do it), not on the first keystroke.
    if (search !== 'by-entry') search.text.indexOf(SEPARATOR);
    else for (const item of itemsOf(list)) haystackOf(item);
    if ((i + 1) % ROOMS_PER_STEP === 0) yield;
  }
}
const ROOMS_PER_STEP = 100;

/**
 * Whether the filter shows an entry: its type or content contains the needle. A secret entry's
 * content is searched only once revealed (issue #14).
 */
function matches(
  item: EntryItem,
  needle: string,
  scope: AccountDataScope,
  revealed: ReadonlySet<EntryKey> | undefined,
): boolean {
  const { entry } = item;
  const haystack = haystackOf(item);
  if (haystack.type.includes(needle)) return true;
  if (haystack.isSecret && !revealed?.has(entryKey(scope, entry.type))) return false;
  return haystack.content.includes(needle);
}

/**
 * A scope's entries sorted by type, and their items, made on first use: a collapsed room only needs
 * its count. A room's list also keeps what the filter searches in the room ({@link RoomSearch}).
 */
type EntryList = { entries: Entry[]; items?: EntryItem[]; search?: RoomSearch };
const itemsOf = (list: EntryList) => (list.items ??= list.entries.map((entry) => ({ entry })));

/** A scope's lists: all its entries, or only the live ones. */
type EntryLists = { all?: EntryList; live?: EntryList };
function listOf(data: ScopeData, lists: EntryLists, showDeleted: boolean): EntryList {
  const key = showDeleted ? 'all' : 'live';
  let list = lists[key];
  if (!list) {
    const values = Object.values(data);
    list = { entries: (showDeleted ? values : values.filter((e) => !e.isDeleted)).sort(byType) };
    lists[key] = list;
  }
  return list;
}

/** A scope's items, memoised per scope object: unchanged scopes keep theirs. */
const scopeLists = new WeakMap<ScopeData, EntryLists>();
function scopeItems(data: ScopeData, showDeleted: boolean): EntryItem[] {
  let lists = scopeLists.get(data);
  if (!lists) {
    lists = {};
    scopeLists.set(data, lists);
  }
  return itemsOf(listOf(data, lists, showDeleted));
}

/** A room and what the tree keeps for it: one lookup per room and keystroke. */
type RoomItem = EntryLists & {
  room: RoomData;
  id: string;
  scope: AccountDataScope;
  /** Name and ID, lower-cased on first use: the filter matches them too. */
  name?: string;
  row?: RoomRow;
};
/** The room's name and ID, lower-cased once. */
const lowerNameOf = (item: RoomItem): string =>
  (item.name ??= `${item.room.info.name}\u0000${item.room.info.roomId}`.toLowerCase());
const roomItems = new WeakMap<RoomData, RoomItem>();
function roomItemOf(room: RoomData): RoomItem {
  let item = roomItems.get(room);
  if (item === undefined) {
    const { roomId } = room.info;
    item = { room, id: roomRowId(roomId), scope: { kind: 'room', roomId } };
    roomItems.set(room, item);
  }
  return item;
}

/**
 * What the filter searches in one room, as one lower-cased text: the room's name and ID, then each
 * entry's type and content in list order, every part after a NUL (which a typed filter does not
 * contain, so no match spans two parts). One `indexOf` per room rejects the many rooms without a
 * hit, and the matches' offsets say which entries hit (`ends[k]`: where entry k's part ends; the
 * name and ID end at `nameEnd`). On 10,000 rooms this replaced three or four searches and object
 * lookups per room and keystroke (issue #13, ADR 017). A room with a secret entry is searched entry
 * by entry instead (`'by-entry'`): a secret's content counts only once revealed (issue #14).
 */
type RoomSearch = { text: string; nameEnd: number; ends: number[] } | 'by-entry';
const SEPARATOR = '\u0000';

function roomSearchOf(room: RoomItem, list: EntryList): RoomSearch {
  if (list.search !== undefined) return list.search;
  let text = lowerNameOf(room);
  const nameEnd = text.length;
  const ends: number[] = [];
  for (const { entry } of itemsOf(list)) {
    // Not kept on the item: the room's text holds it. Each part is lower-cased on its own, since
    // lower-casing can change a text's length (e.g. "İ") and `ends` are offsets into the result.
    const { type, content, isSecret } = haystackFor(entry);
    if (isSecret) return (list.search = 'by-entry');
    text += `${SEPARATOR}${type}${SEPARATOR}${content}`;
    ends.push(text.length);
  }
  return (list.search = { text, nameEnd, ends });
}

/**
 * The matches of `needle` in a room's text from offset `at` (a match in an entry's part): how many
 * entries hit, and those entries when `out` is given.
 */
function scanHits(
  search: Exclude<RoomSearch, 'by-entry'>,
  needle: string,
  at: number,
  items?: readonly EntryItem[],
  out?: EntryItem[],
): number {
  const { text, ends } = search;
  let count = 0;
  let k = 0;
  while (at !== -1) {
    while ((ends[k] as number) <= at) k++;
    count++;
    if (out && items) out.push(items[k] as EntryItem);
    at = text.indexOf(needle, ends[k]);
  }
  return count;
}

/** Sorted rooms, memoised on the rooms object identity (sorting 10,000 names per keystroke is waste). */
const sortedRoomsCache = new WeakMap<RoomsData, RoomData[]>();
/** The last sort: which rooms (their arrival order) and their names, in sorted order. */
let lastSort: { order: readonly string[]; ids: string[]; names: string[] } | undefined;
export function sortedRooms(rooms: RoomsData): RoomData[] {
  const cached = sortedRoomsCache.get(rooms);
  if (cached) return cached;
  let sorted = resorted(rooms);
  if (!sorted) {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    sorted = rooms.order
      .map((id) => rooms.byId.get(id))
      .filter((r): r is RoomData => r !== undefined)
      .sort((a, b) => collator.compare(a.info.name, b.info.name) || (a.info.roomId < b.info.roomId ? -1 : 1));
    lastSort = {
      order: rooms.order,
      ids: sorted.map((r) => r.info.roomId),
      names: sorted.map((r) => r.info.name),
    };
  }
  sortedRoomsCache.set(rooms, sorted);
  return sorted;
}

/**
 * The last sort's order for new rooms data when it still holds: the same rooms (their arrival order
 * is the same array) under the same names — a room's account data changed. Sorting 10,000 names
 * again took ~50–100 ms of every live room change on a big account (issue #13).
 */
function resorted(rooms: RoomsData): RoomData[] | undefined {
  if (lastSort?.order !== rooms.order) return undefined;
  const { ids, names } = lastSort;
  const out: RoomData[] = new Array<RoomData>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const room = rooms.byId.get(ids[i] as string);
    if (room === undefined || room.info.name !== names[i]) return undefined;
    out[i] = room;
  }
  return out;
}

/**
 * The rooms in order with their items and lists (all entries, or only live ones), memoised on the
 * rooms object: a keystroke on 10,000 rooms walks two arrays instead of looking every room up.
 */
type RoomLists = { items: RoomItem[]; lists: EntryList[] };
const roomListsCache = new WeakMap<RoomsData, { all?: RoomLists; live?: RoomLists }>();
function roomListsOf(rooms: RoomsData, showDeleted: boolean): RoomLists {
  let cached = roomListsCache.get(rooms);
  if (!cached) roomListsCache.set(rooms, (cached = {}));
  const key = showDeleted ? 'all' : 'live';
  let out = cached[key];
  if (!out) {
    const items = sortedRooms(rooms).map(roomItemOf);
    out = { items, lists: items.map((item) => listOf(item.room.data, item, showDeleted)) };
    cached[key] = out;
  }
  return out;
}

function sameScope(a: AccountDataScope, b: AccountDataScope): boolean {
  if (a.kind === 'room') return b.kind === 'room' && a.roomId === b.roomId;
  if (a.kind === 'device') return b.kind === 'device' && a.deviceId === b.deviceId;
  return a.kind === b.kind;
}

/** An entry's row; `parentId` makes it the entry's second place in the tree (an alias row). */
function entryRow(
  scope: AccountDataScope,
  item: EntryItem,
  level: number,
  setSize: number,
  posInSet: number,
  parentId?: string,
): EntryRow {
  const { entry } = item;
  const isAlias = parentId !== undefined;
  // Aliases are few (per-device global entries): their ID, which names the parent, is compared.
  const id = isAlias ? aliasRowId(parentId, scope, entry.type) : undefined;
  const last = item.row;
  // Only its place changed (the filter moved it): keep its ID and badges.
  const same =
    last?.isAlias === isAlias && sameScope(last.scope, scope) && (id === undefined || last.id === id);
  if (same && last.level === level && last.setSize === setSize && last.posInSet === posInSet) return last;
  const row: EntryRow = {
    kind: 'entry',
    id: same ? last.id : (id ?? entryRowId(scope, entry.type)),
    level,
    label: entry.type,
    expandable: false,
    setSize,
    posInSet,
    scope,
    entry,
    badges: same ? last.badges : entryBadges(scope, entry),
    isAlias,
  };
  item.row = row;
  return row;
}

function roomRow(
  item: RoomItem,
  expanded: boolean,
  setSize: number,
  posInSet: number,
  count: number,
): RoomRow {
  const last = item.row;
  if (
    last?.expanded === expanded &&
    last.setSize === setSize &&
    last.posInSet === posInSet &&
    last.count === count
  ) {
    return last;
  }
  const { room } = item;
  const row: RoomRow = {
    kind: 'room',
    id: item.id,
    level: 2,
    label: room.info.name,
    summary: `${count} ${count === 1 ? 'entry' : 'entries'}`,
    expandable: true,
    expanded,
    setSize,
    posInSet,
    room,
    count,
  };
  item.row = row;
  return row;
}

/**
 * Above this many matching room entries, the filter lists the matching rooms without opening them
 * (each still opens on request, showing its matches).
 */
export const FILTER_EXPAND_LIMIT = 2_000;

/** Builds the visible rows. */
export function buildTreeRows(input: TreeInput): AccountDataRow[] {
  const needle = input.filter.trim().toLowerCase();
  const isFiltering = needle !== '';
  const showDeleted = input.showDeleted ?? true;
  const rows: AccountDataRow[] = [];

  /** Entry rows; `parentId` makes them an entry's second place in the tree (alias rows, `row-ids.ts`). */
  const pushEntries = (
    scope: AccountDataScope,
    items: readonly EntryItem[],
    level: number,
    place: { parentId?: string; setSize?: number; offset?: number } = {},
  ) => {
    const setSize = place.setSize ?? items.length;
    const offset = place.offset ?? 0;
    items.forEach((item, i) => {
      rows.push(entryRow(scope, item, level, setSize, offset + i + 1, place.parentId));
    });
  };

  // Global
  const globalAll = input.global ? scopeItems(input.global, showDeleted) : [];
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
  const { items: rooms, lists: roomLists } = input.rooms
    ? roomListsOf(input.rooms, showDeleted)
    : { items: [], lists: [] };
  /**
   * A room the filter shows: `count` entries hit. Not all of them: `hits` lists them, or `at` is
   * where the first match in its text is (the list is made only if the room opens).
   */
  type Shown = { room: RoomItem; list: EntryList; count: number; hits?: EntryItem[]; at?: number };
  const roomsShown: Shown[] = [];
  const isTextSearch = isFiltering && !needle.includes(SEPARATOR);
  let hitCount = 0;
  for (let i = 0; i < rooms.length; i++) {
    const room = rooms[i] as RoomItem;
    const list = roomLists[i] as EntryList;
    const total = list.entries.length;
    if (!isFiltering) {
      roomsShown.push({ room, list, count: total });
      continue;
    }
    const search = isTextSearch ? roomSearchOf(room, list) : 'by-entry';
    if (search !== 'by-entry') {
      const at = search.text.indexOf(needle);
      if (at === -1) continue;
      const count = at < search.nameEnd ? total : scanHits(search, needle, at);
      hitCount += count;
      roomsShown.push(count === total ? { room, list, count } : { room, list, count, at });
      continue;
    }
    if (lowerNameOf(room).includes(needle)) {
      hitCount += total;
      roomsShown.push({ room, list, count: total });
      continue;
    }
    // No array for the rooms without a hit, and none when every entry matches.
    const items = itemsOf(list);
    let hits: EntryItem[] | undefined;
    for (const item of items) {
      if (matches(item, needle, room.scope, revealed)) (hits ??= []).push(item);
    }
    if (!hits) continue;
    hitCount += hits.length;
    roomsShown.push(
      hits.length === total ? { room, list, count: total } : { room, list, count: hits.length, hits },
    );
  }
  /** The entries a shown room lists when open. */
  const shownItems = ({ room, list, hits, at }: Shown): readonly EntryItem[] => {
    if (hits) return hits;
    const items = itemsOf(list);
    if (at === undefined) return items;
    const out: EntryItem[] = [];
    scanHits(roomSearchOf(room, list) as Exclude<RoomSearch, 'by-entry'>, needle, at, items, out);
    return out;
  };
  const roomsExpanded = isFiltering ? roomsShown.length > 0 : input.expanded.has(GROUP_IDS.rooms);
  // A broad filter (a first letter on 10,000 rooms) lists the matching rooms collapsed instead of
  // opening them all: tens of thousands of rows help nobody, and building them cost a keystroke
  // hundreds of milliseconds (issue #13, ADR 017). Rooms the person opens show their matches.
  const isBroad = hitCount > FILTER_EXPAND_LIMIT;
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
    if (isBroad) {
      rows.push(
        messageRow(
          'msg:rooms-broad',
          `${hitCount.toLocaleString('en')} matches in ${roomsShown.length.toLocaleString('en')} rooms: open a room to see them`,
          2,
        ),
      );
    }
    roomsShown.forEach((shown, i) => {
      const { room, list, count } = shown;
      const total = list.entries.length;
      const expanded = isFiltering && !isBroad ? count > 0 : input.expanded.has(room.id);
      rows.push(roomRow(room, expanded, roomsShown.length, i + 1, total));
      if (expanded) {
        if (total === 0) rows.push(messageRow(`msg:${room.id}`, 'No room account data', 3));
        else pushEntries(room.scope, shownItems(shown), 3);
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
    : new Map<string, EntryItem[]>();
  type DeviceShown = {
    device: DeviceInfo;
    own: EntryItem[];
    aliases: EntryItem[];
    client: string | undefined;
  };
  const devicesShown: DeviceShown[] = [];
  for (const device of devices) {
    const own = input.deviceData?.get(device.device_id);
    const ownAll = own ? scopeItems(own, showDeleted) : [];
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
  const orphanAll =
    input.devices && input.global ? orphanEntries(input.global, input.devices).map(aliasItemOf) : [];
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
function perDeviceGlobalEntries(global: ScopeData, showDeleted: boolean): Map<string, EntryItem[]> {
  const out = new Map<string, EntryItem[]>();
  for (const [deviceId, types] of perDeviceEntriesOf(Object.keys(global))) {
    const entries = types
      .map((type) => global[type])
      .filter((e): e is Entry => e !== undefined && (showDeleted || !e.isDeleted))
      .sort(byType);
    if (entries.length > 0) out.set(deviceId, entries.map(aliasItemOf));
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
