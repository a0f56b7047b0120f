/**
 * What the detail pane shows, resolved from the selected row's ID against the data — never against
 * the rows the tree currently shows. Collapsing a group or filtering the entry out therefore keeps
 * the editor (and its unsaved draft) on screen (issue #7).
 */
import { tryParseEntryKey } from '../../matrix/entry-key.ts';
import type { AccountDataScope } from '../../matrix/types.ts';
import type { DeviceInfo } from './tree-model.ts';
import { canonicalRowId, ORPHANS_ROW_ID, ROW_PREFIX } from './row-ids.ts';
import type { DevicesData, Entry, RoomData, RoomsData, ScopeData } from './model.ts';

/** The selected thing, found in the data. */
export type Selection =
  | { kind: 'entry'; scope: AccountDataScope; entry: Entry }
  | { kind: 'room'; room: RoomData }
  | { kind: 'device'; device: DeviceInfo; isCurrent: boolean }
  /** The "Orphaned entries" node: per-device global entries whose device is gone. */
  | { kind: 'orphans' };

/** The data a selection is resolved against. */
export type SelectionSources = {
  global: ScopeData | undefined;
  rooms: RoomsData | undefined;
  deviceData: DevicesData | undefined;
  devices: readonly DeviceInfo[] | undefined;
  currentDeviceId: string;
};

/** Resolves a row ID to what it names, or undefined (a group, a message, or gone from the data). */
export function resolveSelection(rowId: string | null, sources: SelectionSources): Selection | undefined {
  if (rowId === null) return undefined;
  if (rowId === ORPHANS_ROW_ID) return { kind: 'orphans' };
  const id = canonicalRowId(rowId);
  if (id.startsWith(ROW_PREFIX.entry)) {
    const ref = tryParseEntryKey(id.slice(ROW_PREFIX.entry.length));
    if (!ref) return undefined;
    const { scope, type } = ref;
    const entry =
      scope.kind === 'global'
        ? sources.global?.[type]
        : scope.kind === 'room'
          ? sources.rooms?.byId.get(scope.roomId)?.data[type]
          : sources.deviceData?.get(scope.deviceId)?.[type];
    return entry ? { kind: 'entry', scope, entry } : undefined;
  }
  if (id.startsWith(ROW_PREFIX.room)) {
    const room = sources.rooms?.byId.get(id.slice(ROW_PREFIX.room.length));
    return room ? { kind: 'room', room } : undefined;
  }
  if (id.startsWith(ROW_PREFIX.device)) {
    const deviceId = id.slice(ROW_PREFIX.device.length);
    const device = sources.devices?.find((d) => d.device_id === deviceId);
    return device ? { kind: 'device', device, isCurrent: deviceId === sources.currentDeviceId } : undefined;
  }
  return undefined;
}

/** The scope "New entry" defaults to for a selection. */
export function scopeOfSelection(selection: Selection | undefined): AccountDataScope {
  if (selection?.kind === 'entry') return selection.scope;
  if (selection?.kind === 'room') return { kind: 'room', roomId: selection.room.info.roomId };
  if (selection?.kind === 'device' && selection.isCurrent) {
    return { kind: 'device', deviceId: selection.device.device_id };
  }
  return { kind: 'global' };
}
