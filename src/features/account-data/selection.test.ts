import { describe, expect, it } from 'vitest';
import { emptyDevices, emptyRooms, foldSyncBatch } from './model.ts';
import { aliasRowId, deviceRowId, entryRowId, ORPHANS_ROW_ID, roomRowId } from './row-ids.ts';
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

describe('resolveSelection and scopeOfSelection: devices (issue #10)', () => {
  const CLIENT_INFO_D1 = 'io.element.matrix_client_information.D1';
  const withPerDevice = foldSyncBatch(
    { global: state.global, rooms: state.rooms, devices: state.devices },
    [{ kind: 'changed', scope: { kind: 'global' }, type: CLIENT_INFO_D1, content: { name: 'Element' } }],
    2,
  );
  const perDeviceSources: SelectionSources = { ...sources, global: withPerDevice.global };

  it('resolves an alias row (under a device or "Orphaned entries") to the one global entry', () => {
    const canonical = resolveSelection(entryRowId({ kind: 'global' }, CLIENT_INFO_D1), perDeviceSources);
    expect(canonical).toMatchObject({
      kind: 'entry',
      scope: { kind: 'global' },
      entry: { type: CLIENT_INFO_D1, content: { name: 'Element' } },
    });
    for (const parent of [deviceRowId('D1'), ORPHANS_ROW_ID]) {
      const alias = resolveSelection(
        aliasRowId(parent, { kind: 'global' }, CLIENT_INFO_D1),
        perDeviceSources,
      );
      expect(alias).toEqual(canonical);
      if (alias?.kind === 'entry' && canonical?.kind === 'entry') expect(alias.entry).toBe(canonical.entry);
    }
    expect(
      resolveSelection(
        aliasRowId(deviceRowId('D1'), { kind: 'global' }, 'io.element.matrix_client_information.X'),
        perDeviceSources,
      ),
    ).toBeUndefined();
  });

  it('resolves the "Orphaned entries" node', () => {
    expect(resolveSelection(ORPHANS_ROW_ID, sources)).toEqual({ kind: 'orphans' });
    expect(scopeOfSelection({ kind: 'orphans' })).toEqual({ kind: 'global' });
  });

  it('gives New entry the own device scope for this inspector’s device, global for another device', () => {
    expect(scopeOfSelection(resolveSelection(deviceRowId('ME'), sources))).toEqual({
      kind: 'device',
      deviceId: 'ME',
    });
    expect(resolveSelection(deviceRowId('D1'), sources)).toMatchObject({ kind: 'device', isCurrent: false });
    expect(scopeOfSelection(resolveSelection(deviceRowId('D1'), sources))).toEqual({ kind: 'global' });
    expect(resolveSelection(deviceRowId('UNKNOWN'), sources)).toBeUndefined();
  });
});
