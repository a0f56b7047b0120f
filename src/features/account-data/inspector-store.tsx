/**
 * Client state of the inspector: selection, expansion, filter, revealed secrets, and which entries
 * have unsaved drafts (the draft text itself lives in the editor and in IndexedDB). One store per
 * signed-in user, created by the app; actions are named as events.
 */
import { createContext, useContext } from 'react';
import { createStore, useStore } from 'zustand';
import { GROUP_IDS } from './tree-model.ts';
import { ROW_PREFIX } from './row-ids.ts';
import type { Draft } from './drafts-db.ts';
import { entryKeyIn, type EntryKey } from '../../matrix/entry-key.ts';

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
  };
};

/** Entry, room and device rows open in the detail pane; groups and messages do not. */
function isOpenable(id: string): boolean {
  return Object.values(ROW_PREFIX).some((prefix) => id.startsWith(prefix));
}

export function createInspectorStore() {
  return createStore<InspectorState>()((set) => ({
    selectedId: null,
    openId: null,
    expanded: new Set([GROUP_IDS.global]),
    filter: '',
    revealed: new Set(),
    drafts: {},
    isNewEntryOpen: false,
    actions: {
      rowSelected: (id) => {
        set(isOpenable(id) ? { selectedId: id, openId: id } : { selectedId: id });
      },
      paneClosed: () => {
        set({ openId: null });
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
