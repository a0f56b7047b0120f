/**
 * Client state of the inspector: selection, expansion, filter, revealed secrets, and which entries
 * have unsaved drafts (the draft text itself lives in the editor and in IndexedDB). One store per
 * signed-in user, created by the app; actions are named as events.
 */
import { createContext, useContext } from 'react';
import { createStore, useStore } from 'zustand';
import { GROUP_IDS } from './tree-model.ts';
import { canonicalRowId, deviceRowId, entryRowId, roomRowId, ROW_PREFIX } from './row-ids.ts';
import type { ActivityFilter } from './activity-view.tsx';
import type { DeepLink } from './deep-link.ts';
import type { Draft } from './drafts-db.ts';
import { entryKeyIn, tryParseEntryKey, type EntryKey } from '../../matrix/entry-key.ts';

export type InspectorState = {
  /** The tree's selected row. */
  selectedId: string | null;
  /**
   * What the detail pane shows: the last selected entry, room or device row. Selecting a group (for
   * instance to collapse it) keeps it open, and it stays open when the tree stops showing its row
   * (collapsed, filtered out): the pane never depends on the visible rows (issue #7).
   */
  openId: string | null;
  expanded: ReadonlySet<string>;
  filter: string;
  /** Secret entries the user chose to reveal in this session. */
  revealed: ReadonlySet<EntryKey>;
  /** Unsaved drafts, by entry key. Loaded from IndexedDB at start, kept in step with it. */
  drafts: Readonly<Record<EntryKey, Draft>>;
  isNewEntryOpen: boolean;
  /**
   * The main area: the detail pane (entry, room, device, Overview), the Activity view, the
   * key-backup panel, or a support tool (issue #14: validation, diagnostic report, export / import).
   */
  mainView: 'detail' | 'activity' | 'key-backup' | 'validation' | 'report' | 'transfer';
  /** The open entry's tab. */
  entryTab: 'content' | 'history';
  /** History tab: the version on the right of the diff (newest when undefined). */
  historyVersion: number | undefined;
  /** History tab: the version on the left (the one before when undefined). */
  historyCompare: number | undefined;
  activityFilter: ActivityFilter;
  actions: {
    rowSelected: (id: string) => void;
    /** Back to the Overview. */
    paneClosed: () => void;
    rowToggled: (id: string, expanded: boolean) => void;
    rowsExpanded: (ids: readonly string[]) => void;
    filterChanged: (filter: string) => void;
    secretRevealed: (key: EntryKey) => void;
    secretHidden: (key: EntryKey) => void;
    draftsLoaded: (drafts: readonly Draft[]) => void;
    draftSaved: (draft: Draft) => void;
    draftDiscarded: (scopeKey: string, type: string) => void;
    newEntryOpened: () => void;
    newEntryClosed: () => void;
    entryTabChanged: (tab: 'content' | 'history') => void;
    historyVersionSelected: (id: number) => void;
    historyCompareSelected: (id: number | undefined) => void;
    activityOpened: () => void;
    /** The key-backup preference panel, which the app supplies (issue #9). */
    keyBackupOpened: () => void;
    activityFilterChanged: (filter: ActivityFilter) => void;
    /** A support tool in the main area (issue #14). */
    supportViewOpened: (view: 'validation' | 'report' | 'transfer') => void;
    /** Opens what a deep link names (or the Overview for none); see `deep-link.ts`. */
    deepLinkOpened: (link: DeepLink | null) => void;
  };
};

/** The part of the state a deep link names. */
export function deepLinkOf(state: InspectorState): DeepLink | null {
  if (state.mainView === 'key-backup') return { view: 'key-backup' };
  if (state.mainView === 'activity') {
    return {
      view: 'activity',
      ...(state.activityFilter.kind ? { kind: state.activityFilter.kind } : {}),
      ...(state.activityFilter.type ? { type: state.activityFilter.type } : {}),
    };
  }
  if (!state.openId?.startsWith(ROW_PREFIX.entry)) return null;
  const ref = tryParseEntryKey(state.openId.slice(ROW_PREFIX.entry.length));
  if (!ref) return null;
  return {
    view: 'entry',
    ref,
    tab: state.entryTab,
    ...(state.entryTab === 'history' && state.historyVersion !== undefined
      ? { version: state.historyVersion }
      : {}),
  };
}

/** The state a deep link opens; the entry's ancestors in the tree are expanded so it can be seen. */
function stateOf(link: DeepLink | null, expanded: ReadonlySet<string>): Partial<InspectorState> {
  const reset = { historyVersion: undefined, historyCompare: undefined, entryTab: 'content' as const };
  if (!link) return { ...reset, mainView: 'detail', openId: null };
  if (link.view === 'key-backup') return { ...reset, mainView: 'key-backup' };
  if (link.view === 'activity') {
    return {
      ...reset,
      mainView: 'activity',
      activityFilter: {
        ...(link.kind ? { kind: link.kind } : {}),
        ...(link.type ? { type: link.type } : {}),
      },
    };
  }
  const id = entryRowId(link.ref.scope, link.ref.type);
  const { scope } = link.ref;
  const ancestors =
    scope.kind === 'global'
      ? [GROUP_IDS.global]
      : scope.kind === 'room'
        ? [GROUP_IDS.rooms, roomRowId(scope.roomId)]
        : [GROUP_IDS.devices, deviceRowId(scope.deviceId)];
  return {
    ...reset,
    mainView: 'detail',
    openId: id,
    selectedId: id,
    entryTab: link.tab,
    historyVersion: link.version,
    expanded: new Set([...expanded, ...ancestors]),
  };
}

/** Entry, room and device rows open in the detail pane; groups and messages do not. */
function isOpenable(id: string): boolean {
  return Object.values(ROW_PREFIX).some((prefix) => id.startsWith(prefix));
}

export function createInspectorStore(link: DeepLink | null = null) {
  return createStore<InspectorState>()((set) => ({
    selectedId: null,
    openId: null,
    mainView: 'detail',
    entryTab: 'content',
    historyVersion: undefined,
    historyCompare: undefined,
    activityFilter: {},
    expanded: new Set([GROUP_IDS.global]),
    ...stateOf(link, new Set([GROUP_IDS.global])),
    filter: '',
    revealed: new Set(),
    drafts: {},
    isNewEntryOpen: false,
    actions: {
      rowSelected: (id) => {
        set((s) => {
          if (!isOpenable(id)) return { selectedId: id };
          // An entry's second place in the tree opens the entry itself (`row-ids.ts`).
          const openId = canonicalRowId(id);
          // Opening another entry starts on its content; re-selecting the open one keeps the tab.
          const isSame = openId === s.openId && s.mainView === 'detail';
          return isSame
            ? { selectedId: id }
            : {
                selectedId: id,
                openId,
                mainView: 'detail',
                entryTab: 'content',
                historyVersion: undefined,
                historyCompare: undefined,
              };
        });
      },
      paneClosed: () => {
        set({ openId: null, mainView: 'detail' });
      },
      entryTabChanged: (entryTab) => {
        set({ entryTab });
      },
      historyVersionSelected: (historyVersion) => {
        set({ historyVersion, historyCompare: undefined });
      },
      historyCompareSelected: (historyCompare) => {
        set({ historyCompare });
      },
      activityOpened: () => {
        set({ mainView: 'activity' });
      },
      keyBackupOpened: () => {
        set({ mainView: 'key-backup' });
      },
      activityFilterChanged: (activityFilter) => {
        set({ activityFilter });
      },
      supportViewOpened: (mainView) => {
        set({ mainView });
      },
      deepLinkOpened: (next) => {
        set((s) => stateOf(next, s.expanded));
      },
      rowToggled: (id, expanded) => {
        set((s) => {
          const next = new Set(s.expanded);
          if (expanded) next.add(id);
          else next.delete(id);
          return { expanded: next };
        });
      },
      rowsExpanded: (ids) => {
        set((s) => ({ expanded: new Set([...s.expanded, ...ids]) }));
      },
      filterChanged: (filter) => {
        set({ filter });
      },
      secretRevealed: (id) => {
        set((s) => ({ revealed: new Set([...s.revealed, id]) }));
      },
      secretHidden: (id) => {
        set((s) => {
          const next = new Set(s.revealed);
          next.delete(id);
          return { revealed: next };
        });
      },
      draftsLoaded: (drafts) => {
        set((s) => {
          const next = { ...s.drafts };
          for (const d of drafts) next[entryKeyIn(d.scopeKey, d.type)] ??= d;
          return { drafts: next };
        });
      },
      draftSaved: (draft) => {
        set((s) => ({ drafts: { ...s.drafts, [entryKeyIn(draft.scopeKey, draft.type)]: draft } }));
      },
      draftDiscarded: (scopeKey, type) => {
        set((s) => {
          const key = entryKeyIn(scopeKey, type);
          if (!(key in s.drafts)) return s;
          const { [key]: _gone, ...rest } = s.drafts;
          return { drafts: rest };
        });
      },
      newEntryOpened: () => {
        set({ isNewEntryOpen: true });
      },
      newEntryClosed: () => {
        set({ isNewEntryOpen: false });
      },
    },
  }));
}

export type InspectorStore = ReturnType<typeof createInspectorStore>;

/** Provided by the account-data view for the signed-in user. */
export const InspectorStoreContext = createContext<InspectorStore | null>(null);

export function useInspectorStore(): InspectorStore {
  const store = useContext(InspectorStoreContext);
  if (!store) throw new Error('useInspectorStore outside InspectorStoreContext');
  return store;
}

/** Bound hook with a narrow selector. */
export function useInspector<T>(selector: (s: InspectorState) => T): T {
  return useStore(useInspectorStore(), selector);
}
