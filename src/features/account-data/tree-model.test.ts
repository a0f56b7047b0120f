import { describe, expect, it } from 'vitest';
import {
  applyChange,
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  type RoomsData,
  type ScopeData,
} from './model.ts';
import { buildTreeRows, GROUP_IDS } from './tree-model.ts';
import { entryRowId, roomRowId } from './row-ids.ts';

const global: ScopeData = [
  ['m.push_rules', { global: {} }],
  ['m.direct', { '@bob:x': ['!dm:x'] }],
  ['m.cross_signing.master', { encrypted: { k: { iv: 'a', ciphertext: 'b', mac: 'c' } } }],
  ['org.example.gone', {}],
].reduce<ScopeData>((acc, [type, content]) => applyChange(acc, type as string, content as never, 1), {});

const rooms: RoomsData = foldSyncBatch(
  { global: {}, rooms: emptyRooms, devices: emptyDevices },
  [
    { kind: 'room-added', room: { roomId: '!b:x', name: 'Beta' } },
    { kind: 'room-added', room: { roomId: '!a:x', name: 'alpha' } },
    {
      kind: 'room-snapshot',
      roomId: '!a:x',
      data: { 'm.tag': { tags: { 'm.favourite': {} } } },
      deleted: [],
    },
    { kind: 'room-snapshot', roomId: '!b:x', data: { 'm.fully_read': { event_id: '$e' } }, deleted: [] },
  ],
  1,
).rooms;

const base = {
  global,
  rooms,
  devices: [{ device_id: 'DEV1', display_name: 'Phone' }],
  currentDeviceId: 'ME',
};

describe('buildTreeRows', () => {
  it('shows three collapsed groups by default', () => {
    const rows = buildTreeRows({ ...base, expanded: new Set(), filter: '' });
    expect(rows.map((r) => r.id)).toEqual([GROUP_IDS.global, GROUP_IDS.rooms, GROUP_IDS.devices]);
    expect(rows[0]).toMatchObject({ label: 'Global', summary: '4 entries' });
    expect(rows[1]).toMatchObject({ label: 'Rooms', summary: '2 rooms' });
  });

  it('lists entries sorted by type with badges; labels start with the type', () => {
    const rows = buildTreeRows({ ...base, expanded: new Set([GROUP_IDS.global]), filter: '' });
    const entries = rows.filter((r) => r.kind === 'entry');
    expect(entries.map((r) => r.label)).toEqual([
      'm.cross_signing.master',
      'm.direct',
      'm.push_rules',
      'org.example.gone',
    ]);
    const byType = Object.fromEntries(rows.flatMap((r) => (r.kind === 'entry' ? [[r.label, r.badges]] : [])));
    expect(byType['m.push_rules']).toEqual(['server-managed']);
    expect(byType['m.cross_signing.master']).toEqual(['secret']);
    expect(byType['org.example.gone']).toEqual(['deleted']);
  });

  it('sorts rooms by name and shows counts; expands a room to its entries', () => {
    const rows = buildTreeRows({
      ...base,
      expanded: new Set([GROUP_IDS.rooms, roomRowId('!b:x')]),
      filter: '',
    });
    const nested = rows.filter((r) => r.level >= 2);
    expect(nested[0]).toMatchObject({ label: 'alpha', summary: '1 entry' });
    expect(nested[1]).toMatchObject({ label: 'Beta', summary: '1 entry' });
    expect(nested[2]?.label).toBe('m.fully_read');
    expect(
      rows.find((r) => r.id === entryRowId({ kind: 'room', roomId: '!b:x' }, 'm.fully_read')),
    ).toBeDefined();
  });

  it('filters by type and content across scopes, expanding what matches', () => {
    const rows = buildTreeRows({ ...base, expanded: new Set(), filter: 'favourite' });
    expect(rows.filter((r) => r.kind === 'entry').map((r) => r.id)).toEqual([
      entryRowId({ kind: 'room', roomId: '!a:x' }, 'm.tag'),
    ]);
    expect(rows.find((r) => r.id === GROUP_IDS.global)?.expanded).toBe(false);
    const byType = buildTreeRows({ ...base, expanded: new Set(), filter: 'DIRECT' });
    expect(byType.filter((r) => r.kind === 'entry').map((r) => r.label)).toEqual(['m.direct']);
  });

  it('says when nothing matches', () => {
    const rows = buildTreeRows({ ...base, expanded: new Set([GROUP_IDS.global]), filter: ' zzz ' });
    expect(rows.at(-1)).toMatchObject({ kind: 'message', label: 'Nothing matches “zzz”' });
    expect(rows.filter((r) => r.kind === 'entry')).toHaveLength(0);
  });

  it('marks this inspector device', () => {
    const rows = buildTreeRows({
      ...base,
      currentDeviceId: 'DEV1',
      expanded: new Set([GROUP_IDS.devices]),
      filter: '',
    });
    expect(rows.at(-1)).toMatchObject({ label: 'Phone', summary: 'DEV1 · this inspector' });
  });
});
