import { describe, expect, it } from 'vitest';
import { emptyDevices, emptyRooms, foldSyncBatch } from './model.ts';
import { deviceRowId, entryRowId, roomRowId } from './row-ids.ts';
import { resolveSelection, scopeOfSelection, type SelectionSources } from './selection.ts';
import { buildTreeRows, GROUP_IDS } from './tree-model.ts';

const state = foldSyncBatch(
  { global: {}, rooms: emptyRooms, devices: emptyDevices },
  [
    { kind: 'global-snapshot', data: { 'm.direct': { '@b:x': ['!r:x'] } }, deleted: [] },
    { kind: 'room-added', room: { roomId: '!r:x', name: 'R' } },
    { kind: 'room-snapshot', roomId: '!r:x', data: { 'm.tag': { tags: {} } }, deleted: [] },
    { kind: 'changed', scope: { kind: 'device', deviceId: 'D1' }, type: 'org.x', content: { a: 1 } },
  ],
  1,
);
const sources: SelectionSources = {
  global: state.global,
  rooms: state.rooms,
  deviceData: state.devices,
  devices: [{ device_id: 'D1' }, { device_id: 'ME' }],
  currentDeviceId: 'ME',
};

describe('resolveSelection (issue #7: the pane does not depend on visible rows)', () => {
  it('finds an entry that the tree does not show (group collapsed, or filtered out)', () => {
    const id = entryRowId({ kind: 'global' }, 'm.direct');
    const collapsed = buildTreeRows({
      global: state.global,
      rooms: state.rooms,
      devices: sources.devices,
      currentDeviceId: 'ME',
      expanded: new Set(),
      filter: '',
    });
    const filtered = buildTreeRows({
      global: state.global,
      rooms: state.rooms,
      devices: sources.devices,
      currentDeviceId: 'ME',
      expanded: new Set([GROUP_IDS.global]),
      filter: 'nothing-matches-this',
    });
    expect(collapsed.some((r) => r.id === id)).toBe(false);
    expect(filtered.some((r) => r.id === id)).toBe(false);
    expect(resolveSelection(id, sources)).toMatchObject({
      kind: 'entry',
      scope: { kind: 'global' },
      entry: { type: 'm.direct', content: { '@b:x': ['!r:x'] } },
    });
  });

  it('resolves room, device and device-scope entries, and nothing for groups or unknown IDs', () => {
    expect(resolveSelection(roomRowId('!r:x'), sources)).toMatchObject({
      kind: 'room',
      room: { info: { name: 'R' } },
    });
    expect(resolveSelection(deviceRowId('ME'), sources)).toMatchObject({ kind: 'device', isCurrent: true });
    expect(resolveSelection(entryRowId({ kind: 'device', deviceId: 'D1' }, 'org.x'), sources)).toMatchObject({
      kind: 'entry',
      entry: { content: { a: 1 } },
    });
    expect(resolveSelection(GROUP_IDS.global, sources)).toBeUndefined();
    expect(resolveSelection(entryRowId({ kind: 'global' }, 'absent'), sources)).toBeUndefined();
    expect(resolveSelection('entry:garbage', sources)).toBeUndefined();
    expect(resolveSelection(null, sources)).toBeUndefined();
  });

  it('gives New entry the selected scope', () => {
    expect(scopeOfSelection(resolveSelection(roomRowId('!r:x'), sources))).toEqual({
      kind: 'room',
      roomId: '!r:x',
    });
    expect(scopeOfSelection(undefined)).toEqual({ kind: 'global' });
  });
});
