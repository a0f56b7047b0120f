import { describe, expect, it } from 'vitest';
import { createInspectorStore, deepLinkOf } from './inspector-store.tsx';
import { aliasRowId, deviceRowId, entryRowId, ORPHANS_ROW_ID, roomRowId } from './row-ids.ts';
import { GROUP_IDS } from './tree-model.ts';

const CLIENT_INFO = 'io.element.matrix_client_information.D1';
const GLOBAL_ROW = entryRowId({ kind: 'global' }, CLIENT_INFO);
const ALIAS_ROW = aliasRowId(deviceRowId('D1'), { kind: 'global' }, CLIENT_INFO);

describe('inspector store: alias rows open the canonical entry (issue #10)', () => {
  it('opens the entry row for an alias row, keeping the alias selected', () => {
    const store = createInspectorStore();
    store.getState().actions.rowSelected(ALIAS_ROW);
    expect(store.getState()).toMatchObject({ selectedId: ALIAS_ROW, openId: GLOBAL_ROW, mainView: 'detail' });
    // The deep link (and so drafts and history) names the entry, not its place in the tree.
    expect(deepLinkOf(store.getState())).toEqual({
      view: 'entry',
      ref: { scope: { kind: 'global' }, type: CLIENT_INFO },
      tab: 'content',
    });
  });

  it('treats the alias and the Global row as the same open entry (the tab is kept)', () => {
    const store = createInspectorStore();
    const { actions } = store.getState();
    actions.rowSelected(GLOBAL_ROW);
    actions.entryTabChanged('history');
    actions.historyVersionSelected(7);
    actions.rowSelected(ALIAS_ROW);
    expect(store.getState()).toMatchObject({
      selectedId: ALIAS_ROW,
      openId: GLOBAL_ROW,
      entryTab: 'history',
      historyVersion: 7,
    });
    const orphanAlias = aliasRowId(
      ORPHANS_ROW_ID,
      { kind: 'global' },
      'io.element.matrix_client_information.GONE',
    );
    actions.rowSelected(orphanAlias);
    expect(store.getState()).toMatchObject({
      selectedId: orphanAlias,
      openId: entryRowId({ kind: 'global' }, 'io.element.matrix_client_information.GONE'),
      entryTab: 'content',
      historyVersion: undefined,
    });
  });

  it('opens the "Orphaned entries" node in the detail pane; it has no deep link', () => {
    const store = createInspectorStore();
    store.getState().actions.rowSelected(ORPHANS_ROW_ID);
    expect(store.getState()).toMatchObject({ selectedId: ORPHANS_ROW_ID, openId: ORPHANS_ROW_ID });
    expect(deepLinkOf(store.getState())).toBeNull();
  });

  it('keeps the open pane when a group row is selected', () => {
    const store = createInspectorStore();
    store.getState().actions.rowSelected(ALIAS_ROW);
    store.getState().actions.rowSelected(GROUP_IDS.devices);
    expect(store.getState()).toMatchObject({ selectedId: GROUP_IDS.devices, openId: GLOBAL_ROW });
  });
});

describe('inspector store: deep links to device-scope entries expand their device', () => {
  const ref = { scope: { kind: 'device', deviceId: 'D1' } as const, type: 'org.example.device' };
  const id = entryRowId(ref.scope, ref.type);

  it('on creation', () => {
    const store = createInspectorStore({ view: 'entry', ref, tab: 'content' });
    const s = store.getState();
    expect(s).toMatchObject({ openId: id, selectedId: id, mainView: 'detail' });
    expect(s.expanded.has(GROUP_IDS.devices)).toBe(true);
    expect(s.expanded.has(deviceRowId('D1'))).toBe(true);
    expect(deepLinkOf(s)).toEqual({ view: 'entry', ref, tab: 'content' });
  });

  it('when a link is opened later, keeping what was expanded', () => {
    const store = createInspectorStore();
    store.getState().actions.rowToggled(roomRowId('!r:x'), true);
    store.getState().actions.deepLinkOpened({ view: 'entry', ref, tab: 'history', version: 3 });
    const s = store.getState();
    expect(s).toMatchObject({ openId: id, entryTab: 'history', historyVersion: 3 });
    expect([...s.expanded].sort()).toEqual(
      [GROUP_IDS.global, roomRowId('!r:x'), GROUP_IDS.devices, deviceRowId('D1')].sort(),
    );
  });
});

describe('inspector store: a deep link at start-up expands the entry’s ancestors (regression)', () => {
  it('room entry: Rooms and the room, besides Global', () => {
    const ref = { scope: { kind: 'room', roomId: '!r:x' } as const, type: 'm.tag' };
    const s = createInspectorStore({ view: 'entry', ref, tab: 'content' }).getState();
    expect([...s.expanded].sort()).toEqual([GROUP_IDS.global, GROUP_IDS.rooms, roomRowId('!r:x')].sort());
  });

  it('no link, or a link to another view: only Global', () => {
    for (const link of [null, { view: 'activity' } as const, { view: 'key-backup' } as const]) {
      expect([...createInspectorStore(link).getState().expanded]).toEqual([GROUP_IDS.global]);
    }
  });
});
