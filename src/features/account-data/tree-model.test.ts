import { describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '../../matrix/types.ts';
import { entryKey, type EntryKey } from '../../matrix/entry-key.ts';
import {
  applyChange,
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  liveEntry,
  tombstone,
  type RoomsData,
  type ScopeData,
} from './model.ts';
import {
  buildTreeRows,
  clientText,
  DEVICE_DATA_UNSUPPORTED,
  deviceClientInfo,
  FILTER_EXPAND_LIMIT,
  prepareFilter,
  GROUP_IDS,
  sortedRooms,
  orphanEntries,
  type AccountDataRow,
} from './tree-model.ts';
import { aliasRowId, canonicalRowId, deviceRowId, entryRowId, ORPHANS_ROW_ID, roomRowId } from './row-ids.ts';

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

describe('buildTreeRows: the filter and secrets (issue #14)', () => {
  const labels = (rows: AccountDataRow[]) => rows.filter((r) => r.kind === 'entry').map((r) => r.label);
  const withSecret = applyChange(
    global,
    'm.secret_storage.key.k1',
    { algorithm: 'm.secret_storage.v1.aes-hmac-sha2', iv: 'SECRETMARKER', mac: 'x' },
    2,
  );

  it("never matches inside a secret entry's content until it is revealed; its type always matches", () => {
    const input = { ...base, global: withSecret, expanded: new Set<string>(), filter: 'secretmarker' };
    expect(labels(buildTreeRows(input))).toEqual([]);
    expect(labels(buildTreeRows({ ...input, filter: 'secret_storage.key' }))).toEqual([
      'm.secret_storage.key.k1',
    ]);
    const revealed = new Set([entryKey({ kind: 'global' }, 'm.secret_storage.key.k1')]);
    expect(labels(buildTreeRows({ ...input, revealed }))).toEqual(['m.secret_storage.key.k1']);
  });

  it('matches content of ordinary entries and room names, case-insensitively', () => {
    const input = { ...base, expanded: new Set<string>(), filter: '!DM:X' };
    expect(labels(buildTreeRows(input))).toEqual(['m.direct']);
    const byRoom = buildTreeRows({ ...input, filter: 'ALPHA' });
    expect(byRoom.filter((r) => r.kind === 'room').map((r) => r.label)).toEqual(['alpha']);
  });
});

describe('buildTreeRows: the Devices group (issue #10)', () => {
  const CLIENT_INFO = 'io.element.matrix_client_information.';
  const MSC3890 = 'org.matrix.msc3890.local_notification_settings.';
  const live = (type: string, content: JsonObject) => liveEntry(type, content);
  const gone = (type: string, content: JsonObject) => tombstone(type, live(type, content), 5);

  const devGlobal: ScopeData = {
    'm.direct': live('m.direct', { '@bob:x': ['!dm:x'] }),
    [`${CLIENT_INFO}AAA`]: live(`${CLIENT_INFO}AAA`, {
      name: 'Element',
      version: '1.11.85',
      url: 'https://app.element.io',
    }),
    [`${MSC3890}AAA`]: live(`${MSC3890}AAA`, { is_silenced: true }),
    // A tombstone of a device that still exists: shown under the device (with Show deleted on).
    [`m.local_notification_settings.AAA`]: gone('m.local_notification_settings.AAA', { is_silenced: false }),
    [`${CLIENT_INFO}ME`]: live(`${CLIENT_INFO}ME`, { name: 'Account Data Inspector', version: '0.1' }),
    // Orphan: a live entry of a device that is gone.
    [`${CLIENT_INFO}GONE`]: live(`${CLIENT_INFO}GONE`, { name: 'Element', version: '1.0' }),
    // Not an orphan: the server deleted it with its device (a tombstone).
    [`${MSC3890}GONE2`]: gone(`${MSC3890}GONE2`, { is_silenced: true }),
  };
  const devDeviceData = new Map<string, ScopeData>([
    [
      'AAA',
      {
        'org.example.b': live('org.example.b', { b: 1 }),
        'org.example.a': live('org.example.a', { a: 1 }),
        'org.example.old': gone('org.example.old', { old: 1 }),
      },
    ],
  ]);
  const devList = [
    { device_id: 'AAA', display_name: 'zed phone' },
    { device_id: 'ME', display_name: 'Zulu inspector' },
    { device_id: 'CCC' },
    { device_id: 'BBB', display_name: 'Alpha laptop' },
  ];
  const devInput = {
    global: devGlobal,
    rooms: emptyRooms,
    devices: devList,
    deviceData: devDeviceData,
    deviceSupport: true,
    currentDeviceId: 'ME',
    filter: '',
  };
  const build = (input: Partial<Parameters<typeof buildTreeRows>[0]> & { expanded: ReadonlySet<string> }) =>
    buildTreeRows({ ...devInput, ...input });
  const AAA = deviceRowId('AAA');
  const deviceRows = (rows: AccountDataRow[]) => rows.flatMap((r) => (r.kind === 'device' ? [r] : []));
  /** The rows nested under `parentId` (the run of deeper rows right after it). */
  const childrenOf = (rows: AccountDataRow[], parentId: string) => {
    const at = rows.findIndex((r) => r.id === parentId);
    const parent = rows[at];
    if (!parent) throw new Error(`no row ${parentId}`);
    const out: AccountDataRow[] = [];
    for (const r of rows.slice(at + 1)) {
      if (r.level <= parent.level) break;
      out.push(r);
    }
    return out;
  };

  it('lists devices with this inspector first, then by name; secondary text has ID, "this inspector" and client', () => {
    const rows = build({ expanded: new Set([GROUP_IDS.devices]) });
    const devices = deviceRows(rows);
    expect(devices.map((r) => r.label)).toEqual(['Zulu inspector', 'Alpha laptop', 'CCC', 'zed phone']);
    expect(devices.map((r) => r.level)).toEqual([2, 2, 2, 2]);
    expect(devices[0]).toMatchObject({
      isCurrent: true,
      summary: 'ME · this inspector · Account Data Inspector 0.1',
    });
    const aaa = devices.find((r) => r.device.device_id === 'AAA');
    expect(aaa).toMatchObject({
      isCurrent: false,
      client: 'Element 1.11.85',
      summary: 'AAA · Element 1.11.85',
    });
    expect(devices.find((r) => r.device.device_id === 'CCC')).toMatchObject({
      client: undefined,
      summary: 'CCC',
    });
    expect(rows.find((r) => r.id === GROUP_IDS.devices)).toMatchObject({ summary: '4 devices' });
    // Devices are collapsed by default, but expandable.
    expect(devices.every((r) => r.expandable && !r.expanded)).toBe(true);
  });

  it('expands a device to its MSC4331 entries, then its global per-device entries as alias rows', () => {
    const rows = build({ expanded: new Set([GROUP_IDS.global, GROUP_IDS.devices, AAA]) });
    const children = childrenOf(rows, AAA);
    expect(children.map((r) => r.label)).toEqual([
      'org.example.a',
      'org.example.b',
      'org.example.old',
      `${CLIENT_INFO}AAA`,
      'm.local_notification_settings.AAA',
      `${MSC3890}AAA`,
    ]);
    expect(children.every((r) => r.level === 3)).toBe(true);
    expect(children.map((r) => [r.posInSet, r.setSize])).toEqual(children.map((_, i) => [i + 1, 6]));
    const own = children.slice(0, 3);
    for (const r of own) {
      expect(r).toMatchObject({ kind: 'entry', isAlias: false, scope: { kind: 'device', deviceId: 'AAA' } });
      if (r.kind === 'entry')
        expect(r.id).toBe(entryRowId({ kind: 'device', deviceId: 'AAA' }, r.entry.type));
    }
    const aliases = children.slice(3);
    for (const r of aliases) {
      if (r.kind !== 'entry') throw new Error('not an entry row');
      expect(r).toMatchObject({ isAlias: true, scope: { kind: 'global' } });
      const globalId = entryRowId({ kind: 'global' }, r.entry.type);
      // Listed under Global too, under another ID that the alias maps back to.
      expect(rows.filter((g) => g.id === globalId)).toHaveLength(1);
      expect(r.id).not.toBe(globalId);
      expect(r.id).toBe(aliasRowId(AAA, { kind: 'global' }, r.entry.type));
      expect(canonicalRowId(r.id)).toBe(globalId);
      // The same entry object in both places.
      expect(rows.find((g) => g.id === globalId)).toMatchObject({ entry: r.entry });
    }
    expect(rows.find((r) => r.id === AAA)).toMatchObject({ expanded: true, count: 6 });
  });

  it('gives every row a unique ID, with all devices and the orphans node expanded', () => {
    const rows = build({
      expanded: new Set([
        GROUP_IDS.global,
        GROUP_IDS.devices,
        ORPHANS_ROW_ID,
        ...devList.map((d) => deviceRowId(d.device_id)),
      ]),
    });
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Non-alias IDs are unaffected by canonicalRowId.
    expect(canonicalRowId(entryRowId({ kind: 'global' }, 'm.direct'))).toBe(
      entryRowId({ kind: 'global' }, 'm.direct'),
    );
    expect(canonicalRowId(AAA)).toBe(AAA);
  });

  it('says "No per-device entries" under a device without any', () => {
    const rows = build({ expanded: new Set([GROUP_IDS.devices, deviceRowId('BBB')]) });
    expect(childrenOf(rows, deviceRowId('BBB'))).toEqual([
      expect.objectContaining({ kind: 'message', label: 'No per-device entries', level: 3 }),
    ]);
  });

  it('shows "Orphaned entries" after the devices, listing only live entries of missing devices', () => {
    const rows = build({ expanded: new Set([GROUP_IDS.devices, ORPHANS_ROW_ID]) });
    const level2 = childrenOf(rows, GROUP_IDS.devices).filter((r) => r.level === 2);
    expect(level2.at(-1)).toMatchObject({
      kind: 'orphans',
      id: ORPHANS_ROW_ID,
      label: 'Orphaned entries',
      count: 1,
      posInSet: 5,
      setSize: 5,
    });
    expect(deviceRows(rows).every((r) => r.setSize === 5)).toBe(true);
    const orphans = childrenOf(rows, ORPHANS_ROW_ID);
    expect(orphans.map((r) => r.label)).toEqual([`${CLIENT_INFO}GONE`]);
    expect(orphans[0]).toMatchObject({
      kind: 'entry',
      isAlias: true,
      id: aliasRowId(ORPHANS_ROW_ID, { kind: 'global' }, `${CLIENT_INFO}GONE`),
    });
    expect(canonicalRowId(orphans[0]!.id)).toBe(entryRowId({ kind: 'global' }, `${CLIENT_INFO}GONE`));
    // The tombstone of the other missing device is not an orphan.
    expect(rows.some((r) => r.label === `${MSC3890}GONE2` && r.level === 3)).toBe(false);
  });

  it('has no orphans node when the only entries of missing devices are tombstones', () => {
    const { [`${CLIENT_INFO}GONE`]: _orphan, ...withoutOrphan } = devGlobal;
    const rows = build({ global: withoutOrphan, expanded: new Set([GROUP_IDS.devices]) });
    expect(rows.some((r) => r.kind === 'orphans')).toBe(false);
    expect(orphanEntries(withoutOrphan, devList)).toEqual([]);
  });

  it('has no orphans node while the devices are still loading', () => {
    const rows = build({ devices: undefined, expanded: new Set([GROUP_IDS.devices, ORPHANS_ROW_ID]) });
    expect(rows.some((r) => r.kind === 'orphans' || r.id.startsWith('alias:'))).toBe(false);
    expect(rows.find((r) => r.kind === 'message')).toMatchObject({ label: 'Loading devices…' });
  });

  it('shows "not supported by this server" once in the Devices group when MSC4331 is unsupported', () => {
    const expanded = new Set([GROUP_IDS.devices, ...devList.map((d) => deviceRowId(d.device_id))]);
    const unsupported = build({ deviceSupport: false, expanded });
    const messages = unsupported.filter((r) => r.label === DEVICE_DATA_UNSUPPORTED);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: 'message', level: 2, text: DEVICE_DATA_UNSUPPORTED });
    expect(DEVICE_DATA_UNSUPPORTED).toBe('Device account data: not supported by this server');
    // The global per-device entries still show under their devices.
    expect(childrenOf(unsupported, AAA).some((r) => r.label === `${CLIENT_INFO}AAA`)).toBe(true);
    for (const deviceSupport of [true, undefined]) {
      expect(build({ deviceSupport, expanded }).some((r) => r.label === DEVICE_DATA_UNSUPPORTED)).toBe(false);
    }
    // Nothing while the group is collapsed.
    expect(
      build({ deviceSupport: false, expanded: new Set() }).some((r) => r.label === DEVICE_DATA_UNSUPPORTED),
    ).toBe(false);
  });

  it('filters on device name, ID and client, showing the whole device', () => {
    const byName = build({ filter: 'ALPHA', expanded: new Set() });
    expect(deviceRows(byName).map((r) => r.device.device_id)).toEqual(['BBB']);
    expect(byName.find((r) => r.id === GROUP_IDS.devices)?.expanded).toBe(true);

    const byId = build({ filter: 'ccc', expanded: new Set() });
    expect(deviceRows(byId).map((r) => r.device.device_id)).toEqual(['CCC']);

    const byClient = build({ filter: 'element 1.11', expanded: new Set() });
    expect(deviceRows(byClient).map((r) => r.device.device_id)).toEqual(['AAA']);
    // A device that matches shows all its entries.
    expect(childrenOf(byClient, AAA).map((r) => r.label)).toHaveLength(6);
  });

  it('filters entries inside devices and orphans, expanding what matches', () => {
    const inDevice = build({ filter: 'org.example.b', expanded: new Set() });
    expect(deviceRows(inDevice).map((r) => r.device.device_id)).toEqual(['AAA']);
    expect(childrenOf(inDevice, AAA).map((r) => r.label)).toEqual(['org.example.b']);

    // Content matches too: the alias row of the MSC3890 entry ("is_silenced": true).
    const byContent = build({ filter: 'is_silenced', expanded: new Set() });
    expect(childrenOf(byContent, AAA).map((r) => r.label)).toEqual([`${MSC3890}AAA`]);

    const inOrphans = build({ filter: '.gone', expanded: new Set() });
    expect(deviceRows(inOrphans)).toEqual([]);
    expect(inOrphans.find((r) => r.id === ORPHANS_ROW_ID)).toMatchObject({ expanded: true });
    expect(childrenOf(inOrphans, ORPHANS_ROW_ID).map((r) => r.label)).toEqual([`${CLIENT_INFO}GONE`]);

    const none = build({ filter: 'zzz-nothing', expanded: new Set() });
    expect(none.some((r) => r.kind === 'orphans' || r.kind === 'device')).toBe(false);
    expect(none.at(-1)).toMatchObject({ kind: 'message', label: 'Nothing matches “zzz-nothing”' });
  });

  it('hides tombstones under devices when Show deleted is off', () => {
    const expanded = new Set([GROUP_IDS.devices, AAA]);
    const shown = childrenOf(build({ expanded }), AAA).map((r) => r.label);
    expect(shown).toContain('org.example.old');
    expect(shown).toContain('m.local_notification_settings.AAA');
    expect(childrenOf(build({ expanded }), AAA).find((r) => r.label === 'org.example.old')).toMatchObject({
      badges: ['deleted'],
    });
    const hidden = build({ expanded, showDeleted: false });
    expect(childrenOf(hidden, AAA).map((r) => r.label)).toEqual([
      'org.example.a',
      'org.example.b',
      `${CLIENT_INFO}AAA`,
      `${MSC3890}AAA`,
    ]);
    expect(hidden.find((r) => r.id === AAA)).toMatchObject({ count: 4 });
  });

  it('keeps alias rows while their parent stays, and replaces them when the entry moves to the orphans', () => {
    const expanded = new Set([GROUP_IDS.global, GROUP_IDS.devices, AAA, ORPHANS_ROW_ID]);
    const aliasId = aliasRowId(AAA, { kind: 'global' }, `${CLIENT_INFO}AAA`);
    const globalId = entryRowId({ kind: 'global' }, `${CLIENT_INFO}AAA`);
    const first = build({ expanded });
    const second = build({ expanded: new Set(expanded) });
    const row = (rows: AccountDataRow[], id: string) => rows.find((r) => r.id === id);
    expect(row(second, aliasId)).toBeDefined();
    expect(row(second, aliasId)).toBe(row(first, aliasId));
    expect(row(second, globalId)).toBe(row(first, globalId));

    // AAA signs out: its client information is now an orphan, under another parent.
    const signedOut = build({ expanded, devices: devList.filter((d) => d.device_id !== 'AAA') });
    expect(row(signedOut, aliasId)).toBeUndefined();
    const orphanId = aliasRowId(ORPHANS_ROW_ID, { kind: 'global' }, `${CLIENT_INFO}AAA`);
    expect(childrenOf(signedOut, ORPHANS_ROW_ID).map((r) => r.id)).toContain(orphanId);
    expect(row(signedOut, orphanId)).toMatchObject({ isAlias: true, entry: devGlobal[`${CLIENT_INFO}AAA`] });
    // Under Global it is the same row as before.
    expect(row(signedOut, globalId)).toBe(row(first, globalId));
  });

  it('builds, through any sequence of filters, expansions and changes, exactly the rows a fresh build does', async () => {
    const roomsWithMore = foldSyncBatch(
      { global: {}, rooms, devices: emptyDevices },
      [
        {
          kind: 'room-snapshot',
          roomId: '!b:x',
          data: { 'm.fully_read': { event_id: '$e' }, 'org.example.beta': { note: 'beta note' } },
          deleted: ['org.example.gone'],
        },
      ],
      2,
    ).rooms;
    const changed = foldSyncBatch(
      { global: devGlobal, rooms: roomsWithMore, devices: devDeviceData },
      [
        {
          kind: 'changed',
          scope: { kind: 'room', roomId: '!a:x' },
          type: 'org.example.new',
          content: { x: 1 },
        },
        { kind: 'room-updated', room: { roomId: '!b:x', name: 'Aardvark' } },
        { kind: 'deleted', scope: { kind: 'global' }, type: 'm.direct' },
      ],
      3,
    );
    const fromChanged = { global: changed.global, rooms: changed.rooms, deviceData: changed.devices };
    const all = new Set([GROUP_IDS.global, GROUP_IDS.rooms, GROUP_IDS.devices, AAA, ORPHANS_ROW_ID]);
    const steps: Parameters<typeof buildTreeRows>[0][] = [
      { ...devInput, rooms: roomsWithMore, expanded: all },
      ...['b', 'be', 'bet', 'beta', 'bet', 'be', 'b', ''].map((filter) => ({
        ...devInput,
        rooms: roomsWithMore,
        expanded: all,
        filter,
      })),
      { ...devInput, rooms: roomsWithMore, expanded: new Set([...all, roomRowId('!b:x')]) },
      { ...devInput, rooms: roomsWithMore, expanded: new Set([...all, roomRowId('!a:x')]) },
      { ...devInput, rooms: roomsWithMore, expanded: all, showDeleted: false },
      { ...devInput, rooms: roomsWithMore, expanded: all, filter: 'a', showDeleted: false },
      { ...devInput, ...fromChanged, expanded: all, filter: 'a' },
      { ...devInput, ...fromChanged, expanded: all, filter: '' },
      { ...devInput, ...fromChanged, devices: devList.slice(1), expanded: all },
    ];
    for (const step of steps) {
      const kept = buildTreeRows(step);
      vi.resetModules();
      const fresh = await import('./tree-model.ts');
      expect(kept).toEqual(fresh.buildTreeRows(step));
    }
  });
});

describe('buildTreeRows: rows kept between builds (issue #13)', () => {
  const A = roomRowId('!a:x');
  const B = roomRowId('!b:x');
  const input = { ...base, expanded: new Set([GROUP_IDS.global, GROUP_IDS.rooms, A, B]), filter: '' };
  const byId = (rows: AccountDataRow[]) => new Map(rows.map((r) => [r.id, r]));
  const aTag = entryRowId({ kind: 'room', roomId: '!a:x' }, 'm.tag');
  const bRead = entryRowId({ kind: 'room', roomId: '!b:x' }, 'm.fully_read');

  it('returns the same row objects when nothing about them changed', () => {
    const first = byId(buildTreeRows(input));
    const second = byId(buildTreeRows({ ...input, expanded: new Set(input.expanded) }));
    const kept = [A, B, aTag, bRead, entryRowId({ kind: 'global' }, 'm.direct')];
    for (const id of kept) {
      expect(second.get(id)).toBeDefined();
      expect(second.get(id)).toBe(first.get(id));
    }
  });

  it('replaces the rows of a changed room and entry, and keeps the others', () => {
    const first = byId(buildTreeRows(input));
    const changed = foldSyncBatch(
      { global, rooms, devices: emptyDevices },
      [{ kind: 'changed', scope: { kind: 'room', roomId: '!a:x' }, type: 'm.tag', content: { tags: {} } }],
      2,
    ).rooms;
    const second = byId(buildTreeRows({ ...input, rooms: changed }));
    expect(second.get(aTag)).not.toBe(first.get(aTag));
    expect(second.get(aTag)).toMatchObject({ entry: changed.byId.get('!a:x')?.data['m.tag'] });
    expect(second.get(A)).not.toBe(first.get(A));
    expect(second.get(A)).toMatchObject({ room: changed.byId.get('!a:x') });
    expect(second.get(B)).toBe(first.get(B));
    expect(second.get(bRead)).toBe(first.get(bRead));
  });

  it('gives an entry shown in several scopes a row in each, even when they share their data', () => {
    const shared = liveEntry('org.example.shared', { v: 1 });
    const data: ScopeData = { [shared.type]: shared };
    const twoRooms: RoomsData = {
      order: ['!a:x', '!b:x'],
      byId: new Map([
        ['!a:x', { info: { roomId: '!a:x', name: 'alpha' }, data }],
        ['!b:x', { info: { roomId: '!b:x', name: 'Beta' }, data }],
      ]),
      isComplete: true,
    };
    const expanded = new Set([...input.expanded, GROUP_IDS.devices, deviceRowId('DEV1')]);
    const rows = buildTreeRows({
      ...input,
      expanded,
      global: data,
      rooms: twoRooms,
      deviceData: new Map([['DEV1', data]]),
    });
    expect(rows.filter((r) => r.kind === 'entry').map((r) => [r.id, r.level])).toEqual([
      [entryRowId({ kind: 'global' }, shared.type), 2],
      [entryRowId({ kind: 'room', roomId: '!a:x' }, shared.type), 3],
      [entryRowId({ kind: 'room', roomId: '!b:x' }, shared.type), 3],
      [entryRowId({ kind: 'device', deviceId: 'DEV1' }, shared.type), 3],
    ]);
  });

  it('replaces a room row when it is expanded or collapsed', () => {
    const first = byId(buildTreeRows(input));
    const second = byId(buildTreeRows({ ...input, expanded: new Set([GROUP_IDS.rooms, A]) }));
    expect(second.get(B)).not.toBe(first.get(B));
    expect(second.get(B)).toMatchObject({ expanded: false });
    expect(second.has(bRead)).toBe(false);
    expect(second.get(A)).toBe(first.get(A));
    expect(byId(buildTreeRows(input)).get(B)).toMatchObject({ expanded: true });
  });

  it('replaces rows whose position changed when the filter changes what is shown, and back', () => {
    const twoEntries = foldSyncBatch(
      { global, rooms, devices: emptyDevices },
      [
        {
          kind: 'changed',
          scope: { kind: 'room', roomId: '!b:x' },
          type: 'org.example.b',
          content: { b: 1 },
        },
      ],
      2,
    ).rooms;
    const bOwn = entryRowId({ kind: 'room', roomId: '!b:x' }, 'org.example.b');
    const all = byId(buildTreeRows({ ...input, rooms: twoEntries }));
    expect(all.get(B)).toMatchObject({ posInSet: 2, setSize: 2 });
    expect(all.get(bOwn)).toMatchObject({ posInSet: 2, setSize: 2 });

    // Only Beta's own entry matches: Beta is the only room, and the entry its only child.
    const filtered = byId(buildTreeRows({ ...input, rooms: twoEntries, filter: 'example.b' }));
    expect(filtered.has(A)).toBe(false);
    expect(filtered.get(B)).toMatchObject({ posInSet: 1, setSize: 1, expanded: true });
    expect(filtered.get(bOwn)).toMatchObject({ posInSet: 1, setSize: 1 });
    expect(filtered.get(bOwn)).not.toBe(all.get(bOwn));
    expect(filtered.has(bRead)).toBe(false);

    const back = byId(buildTreeRows({ ...input, rooms: twoEntries }));
    expect(back.get(B)).toMatchObject({ posInSet: 2, setSize: 2 });
    expect(back.get(bOwn)).toMatchObject({ posInSet: 2, setSize: 2 });
    // Beta moves from second of two rooms to first of two.
    const threeRooms = foldSyncBatch(
      { global, rooms: twoEntries, devices: emptyDevices },
      [
        { kind: 'room-added', room: { roomId: '!c:x', name: 'Gamma' } },
        { kind: 'changed', scope: { kind: 'room', roomId: '!a:x' }, type: 'x.one', content: {} },
        { kind: 'changed', scope: { kind: 'room', roomId: '!b:x' }, type: 'x.one', content: {} },
        { kind: 'changed', scope: { kind: 'room', roomId: '!b:x' }, type: 'x.two', content: {} },
        { kind: 'changed', scope: { kind: 'room', roomId: '!c:x' }, type: 'x.two', content: {} },
      ],
      3,
    ).rooms;
    const one = byId(buildTreeRows({ ...input, rooms: threeRooms, filter: 'x.one' }));
    const two = byId(buildTreeRows({ ...input, rooms: threeRooms, filter: 'x.two' }));
    expect(one.get(B)).toMatchObject({ posInSet: 2, setSize: 2 });
    expect(two.get(B)).toMatchObject({ posInSet: 1, setSize: 2 });
    const onlyBeta = byId(buildTreeRows({ ...input, rooms: threeRooms, filter: 'example.b' }));
    expect(onlyBeta.get(B)).toMatchObject({ posInSet: 1, setSize: 1 });

    // Typing on while the same rows match keeps them.
    const wider = byId(buildTreeRows({ ...input, rooms: twoEntries, filter: 'xample.b' }));
    const narrower = byId(buildTreeRows({ ...input, rooms: twoEntries, filter: 'example.b' }));
    expect([...narrower.keys()]).toEqual([...wider.keys()]);
    expect(narrower.get(B)).toBe(wider.get(B));
    expect(narrower.get(bOwn)).toBe(wider.get(bOwn));
  });
});

describe('clientText and deviceClientInfo', () => {
  const info = (content: JsonObject): ScopeData => ({
    'io.element.matrix_client_information.D': liveEntry('io.element.matrix_client_information.D', content),
  });

  it('reads name and version from the device’s client-information entry', () => {
    expect(clientText(info({ name: 'Element', version: '1.11.85' }), 'D')).toBe('Element 1.11.85');
    expect(clientText(info({ name: 'Element' }), 'D')).toBe('Element');
    expect(clientText(info({ version: '2' }), 'D')).toBe('2');
    expect(deviceClientInfo(info({ name: 'Element', url: 'https://x', extra: 1 }), 'D')).toEqual({
      name: 'Element',
      url: 'https://x',
    });
  });

  it('says nothing without a usable entry', () => {
    expect(clientText(undefined, 'D')).toBeUndefined();
    expect(clientText(info({ name: 'Element' }), 'OTHER')).toBeUndefined();
    expect(clientText(info({ name: 42, version: '' }), 'D')).toBeUndefined();
    const deleted: ScopeData = {
      'io.element.matrix_client_information.D': tombstone(
        'io.element.matrix_client_information.D',
        liveEntry('io.element.matrix_client_information.D', { name: 'Element' }),
      ),
    };
    expect(clientText(deleted, 'D')).toBeUndefined();
    expect(deviceClientInfo(deleted, 'D')).toBeUndefined();
  });
});

describe('buildTreeRows: a broad filter on a big account (issue #13)', () => {
  /** `count` rooms, each with a note matching "needle" (and `other` entries that do not). */
  const manyRooms = (count: number): RoomsData =>
    foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      Array.from({ length: count }, (_, i) => {
        const roomId = `!r${i}:x`;
        return [
          { kind: 'room-added' as const, room: { roomId, name: `Room ${i}` } },
          {
            kind: 'room-snapshot' as const,
            roomId,
            data: { 'org.example.note': { text: 'a needle' }, 'org.example.other': { text: 'hay' } },
            deleted: [],
          },
        ];
      }).flat(),
      1,
    ).rooms;
  const roomRows = (rows: AccountDataRow[]) => rows.filter((r) => r.kind === 'room');

  it('opens every matching room while the matches stay under the limit', () => {
    const rows = buildTreeRows({
      ...base,
      rooms: manyRooms(FILTER_EXPAND_LIMIT),
      expanded: new Set(),
      filter: 'needle',
    });
    expect(roomRows(rows).every((r) => r.expanded)).toBe(true);
    expect(rows.filter((r) => r.kind === 'entry' && r.scope.kind === 'room')).toHaveLength(
      FILTER_EXPAND_LIMIT,
    );
    expect(rows.some((r) => r.id === 'msg:rooms-broad')).toBe(false);
  });

  it('lists the matching rooms collapsed above the limit, says so, and opens one on request', () => {
    const count = FILTER_EXPAND_LIMIT + 1;
    const data = manyRooms(count);
    const rows = buildTreeRows({ ...base, rooms: data, expanded: new Set(), filter: 'needle' });
    expect(roomRows(rows)).toHaveLength(count);
    expect(roomRows(rows).some((r) => r.expanded)).toBe(false);
    expect(rows.filter((r) => r.kind === 'entry' && r.scope.kind === 'room')).toHaveLength(0);
    expect(rows.find((r) => r.id === 'msg:rooms-broad')?.label).toBe(
      `${count.toLocaleString('en')} matches in ${count.toLocaleString('en')} rooms: open a room to see them`,
    );
    // The Rooms group itself still opens, and counts what matched.
    const group = rows.find((r) => r.id === GROUP_IDS.rooms);
    expect(group?.expanded).toBe(true);
    // Opened by hand: the room shows its matches only.
    const opened = roomRowId('!r7:x');
    const withOne = buildTreeRows({ ...base, rooms: data, expanded: new Set([opened]), filter: 'needle' });
    const at = withOne.findIndex((r) => r.id === opened);
    expect(withOne[at]?.expanded).toBe(true);
    expect(withOne[at + 1]?.label).toBe('org.example.note');
    expect(withOne[at + 2]?.kind).toBe('room');
  });

  it('counts a room that matches by name with all its entries', () => {
    const data = manyRooms(FILTER_EXPAND_LIMIT / 2 + 1);
    // "room" matches every room's name: each shows both entries, one more than the limit allows.
    const rows = buildTreeRows({ ...base, rooms: data, expanded: new Set(), filter: 'room ' });
    expect(rows.some((r) => r.id === 'msg:rooms-broad')).toBe(true);
    expect(roomRows(rows).some((r) => r.expanded)).toBe(false);
  });
});

describe('buildTreeRows: the rooms filter agrees with a plain search (issue #13)', () => {
  // Rooms with what the one-text-per-room search must get right: a name or ID that matches, text
  // whose length lower-casing changes ("İ"), tombstones, a secret room entry (searched by entry,
  // its content only once revealed), the same needle twice in one entry, and none at all.
  const events = [
    {
      roomId: '!one:x',
      name: 'Kitchen',
      data: { 'org.example.a': { note: 'İİİİ needle needle İİİİ' }, 'org.example.b': { x: 'hay' } },
    },
    { roomId: '!two:x', name: 'NEEDLE room', data: { 'org.example.c': { x: 'hay' } } },
    {
      roomId: '!three:x',
      name: 'Three',
      data: { 'org.example.İtype': { v: 'TYPE needle' }, 'm.tag': { tags: {} } },
    },
    {
      roomId: '!four:x',
      name: 'Four',
      data: {
        'org.example.secret': { encrypted: { k: { ciphertext: 'needle' } } },
        'org.example.d': { y: 'needle' },
      },
    },
    { roomId: '!five:x', name: 'Five', data: { 'org.example.gone': {}, 'org.example.e': { z: 1 } } },
    { roomId: '!six:needle', name: 'Six', data: {} },
  ];
  const data = foldSyncBatch(
    { global: {}, rooms: emptyRooms, devices: emptyDevices },
    events.flatMap(({ roomId, name, data }) => [
      { kind: 'room-added' as const, room: { roomId, name } },
      { kind: 'room-snapshot' as const, roomId, data: data as Record<string, JsonObject>, deleted: [] },
    ]),
    1,
  ).rooms;
  const SECRET = entryKey({ kind: 'room', roomId: '!four:x' }, 'org.example.secret');

  /** What the filter should show: room ID → the types listed under it, by a plain per-entry search. */
  function expected(needle: string, showDeleted: boolean, revealed: ReadonlySet<EntryKey>) {
    const out = new Map<string, string[]>();
    for (const roomId of data.order) {
      const room = data.byId.get(roomId);
      if (!room) continue;
      const entries = Object.values(room.data)
        .filter((e) => showDeleted || !e.isDeleted)
        .sort((a, b) => (a.type < b.type ? -1 : 1));
      const byName = `${room.info.name}\u0000${roomId}`.toLowerCase().includes(needle);
      const hits = entries.filter((e) => {
        if (e.type.toLowerCase().includes(needle)) return true;
        const secret = 'encrypted' in (e.content ?? e.lastContent ?? {});
        if (secret && !revealed.has(entryKey({ kind: 'room', roomId }, e.type))) return false;
        return !e.isDeleted && e.text.toLowerCase().includes(needle);
      });
      if (byName || hits.length > 0)
        out.set(
          roomId,
          (byName ? entries : hits).map((e) => e.type),
        );
    }
    return out;
  }
  function shown(rows: AccountDataRow[]) {
    const out = new Map<string, string[]>();
    let room: string | undefined;
    for (const row of rows) {
      if (row.kind === 'room') out.set((room = row.room.info.roomId), []);
      else if (row.kind === 'entry' && row.scope.kind === 'room' && row.scope.roomId === room) {
        out.get(room)?.push(row.entry.type);
      } else if (row.level < 3) room = undefined;
    }
    return out;
  }

  it.each([
    'needle',
    'NEEDLE',
    'i̇',
    'i̇i̇ n',
    'type',
    'org.example',
    'x',
    'hay',
    'e"',
    '{',
    'six',
    ':x',
    'nothing',
  ])('shows what a plain search shows for %j', (filter) => {
    for (const showDeleted of [true, false]) {
      for (const revealed of [new Set<EntryKey>(), new Set([SECRET])]) {
        const rows = buildTreeRows({
          ...base,
          rooms: data,
          expanded: new Set(),
          filter,
          showDeleted,
          revealed,
        });
        expect(shown(rows)).toEqual(expected(filter.trim().toLowerCase(), showDeleted, revealed));
      }
    }
  });

  it('finds a needle in a secret room entry only once it is revealed', () => {
    const input = { ...base, rooms: data, expanded: new Set<string>(), filter: 'ciphertext' };
    expect(shown(buildTreeRows(input)).has('!four:x')).toBe(false);
    expect(shown(buildTreeRows({ ...input, revealed: new Set([SECRET]) })).get('!four:x')).toEqual([
      'org.example.secret',
    ]);
  });
});

describe('sortedRooms (issue #13)', () => {
  const names = (data: RoomsData) => sortedRooms(data).map((r) => r.info.name);
  const start = foldSyncBatch(
    { global: {}, rooms: emptyRooms, devices: emptyDevices },
    ['delta', 'Alpha', 'charlie', 'Bravo'].map((name, i) => ({
      kind: 'room-added' as const,
      room: { roomId: `!s${i}:x`, name },
    })),
    1,
  );

  it('keeps the order through a data change, with the new room data', () => {
    expect(names(start.rooms)).toEqual(['Alpha', 'Bravo', 'charlie', 'delta']);
    const changed = foldSyncBatch(
      start,
      [
        {
          kind: 'changed',
          scope: { kind: 'room', roomId: '!s2:x' },
          type: 'org.example.t',
          content: { a: 1 },
        },
      ],
      2,
    ).rooms;
    expect(changed.order).toBe(start.rooms.order); // the case the last sort is reused for
    const collator = vi.spyOn(Intl, 'Collator');
    const sorted = sortedRooms(changed);
    expect(collator).not.toHaveBeenCalled(); // not sorted again
    collator.mockRestore();
    expect(sorted.map((r) => r.info.name)).toEqual(['Alpha', 'Bravo', 'charlie', 'delta']);
    expect(sorted[2]).toBe(changed.byId.get('!s2:x'));
    expect(Object.keys(sorted[2]?.data ?? {})).toEqual(['org.example.t']);
  });

  it('sorts again when a room was renamed, joined or left', () => {
    sortedRooms(start.rooms);
    const renamed = foldSyncBatch(
      start,
      [{ kind: 'room-updated', room: { roomId: '!s0:x', name: 'Aardvark' } }],
      2,
    );
    expect(names(renamed.rooms)).toEqual(['Aardvark', 'Alpha', 'Bravo', 'charlie']);
    const joined = foldSyncBatch(
      renamed,
      [{ kind: 'room-added', room: { roomId: '!s9:x', name: 'Basil' } }],
      3,
    );
    expect(names(joined.rooms)).toEqual(['Aardvark', 'Alpha', 'Basil', 'Bravo', 'charlie']);
  });
});

describe('prepareFilter (issue #13)', () => {
  const roomsOf = (count: number, tag: string): RoomsData =>
    foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      Array.from({ length: count }, (_, i) => [
        { kind: 'room-added' as const, room: { roomId: `!p${i}:x`, name: `Prep ${i}` } },
        {
          kind: 'room-snapshot' as const,
          roomId: `!p${i}:x`,
          data: { 'org.example.note': { text: i % 7 === 0 ? `Find ${tag}` : 'other' } },
          deleted: [],
        },
      ]).flat(),
      1,
    ).rooms;

  it('works in steps of a hundred rooms', () => {
    const steps = prepareFilter(global, roomsOf(250, 'me'));
    expect(steps.next().done).toBe(false);
    expect(steps.next().done).toBe(false);
    expect(steps.next().done).toBe(true);
  });

  it('changes nothing the filter finds', () => {
    const prepared = roomsOf(30, 'ME');
    Array.from(prepareFilter(global, prepared));
    const fresh = roomsOf(30, 'ME');
    const input = { ...base, expanded: new Set<string>(), filter: 'find me' };
    const ids = (rows: AccountDataRow[]) => rows.map((r) => `${r.id}:${String(r.expanded)}`);
    expect(ids(buildTreeRows({ ...input, rooms: prepared }))).toEqual(
      ids(buildTreeRows({ ...input, rooms: fresh })),
    );
    expect(buildTreeRows({ ...input, rooms: prepared }).filter((r) => r.kind === 'entry')).toHaveLength(5);
  });
});
