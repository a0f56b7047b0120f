// @vitest-environment jsdom
// The draft rules of the entry panel, without any editor: the editor's reports are played by hand
// (onTextChange / onDirtyChange / onServerChangedWhileDirty), the editor handle is a plain object and
// IndexedDB is an in-memory DraftsDb.
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JsonEditorHandle } from '../../editor/json-editor-types.ts';
import type { JsonObject } from '../../matrix/types.ts';
import { DraftsDb, type Draft } from './drafts-db.ts';
import { createInspectorStore, InspectorStoreContext } from './inspector-store.tsx';
import { entryKey, entryKeyIn } from '../../matrix/entry-key.ts';
import { formatContent, liveEntry, tombstone, type Entry } from './model.ts';
import { DRAFT_SAVE_DELAY_MS, useEntryDraft } from './use-entry-draft.ts';

const USER = '@alice:hs.test';
const TYPE = 'org.example.settings';
const SERVER = { theme: 'dark' };
const SERVER_TEXT = formatContent(SERVER);

/** Drafts in memory; never opens IndexedDB. */
class MemoryDraftsDb extends DraftsDb {
  readonly rows = new Map<string, Draft>();
  override all(userId: string): Promise<Draft[]> {
    return Promise.resolve([...this.rows.values()].filter((d) => d.userId === userId));
  }
  override put(draft: Draft): Promise<void> {
    this.rows.set(entryKeyIn(draft.scopeKey, draft.type), draft);
    return Promise.resolve();
  }
  /** Drafts handed to `putBeforeUnload` (localStorage in the real store). */
  readonly beforeUnload: Draft[] = [];
  override putBeforeUnload(draft: Draft): Promise<void> {
    this.beforeUnload.push(draft);
    return this.put(draft);
  }
  override delete(_userId: string, scopeKey: string, type: string): Promise<void> {
    this.rows.delete(entryKeyIn(scopeKey, type));
    return Promise.resolve();
  }
}

/** The editor handle: holds the text; the test plays the editor's callbacks itself. */
function fakeEditor(text: string): JsonEditorHandle & { text: string } {
  return {
    text,
    getText() {
      return this.text;
    },
    setText(next: string) {
      this.text = next;
    },
    focus: () => undefined,
    format: () => true,
    revealPosition: () => undefined,
    isDirty: () => false,
  };
}

function setup(options: { content?: JsonObject; stored?: Omit<Draft, 'userId' | 'savedAt'> } = {}) {
  const store = createInspectorStore();
  const draftsDb = new MemoryDraftsDb();
  if (options.stored)
    store.getState().actions.draftsLoaded([{ ...options.stored, userId: USER, savedAt: 1 }]);
  const editor = { current: fakeEditor(SERVER_TEXT) };
  const wrapper = ({ children }: { children: ReactNode }) => (
    <InspectorStoreContext value={store}>{children}</InspectorStoreContext>
  );
  const hook = renderHook(
    ({ entry }: { entry: Entry }) =>
      useEntryDraft({ userId: USER, draftsDb, scopeKey: 'global', entry, editor }),
    { wrapper, initialProps: { entry: liveEntry(TYPE, options.content ?? SERVER) } },
  );
  /** The user typed: the editor reports the text and, if it differs from the server, dirtiness. */
  const typed = (text: string) => {
    editor.current.text = text;
    act(() => {
      hook.result.current.editorProps.onTextChange(text);
      hook.result.current.editorProps.onDirtyChange(text !== hook.result.current.editorProps.serverText);
    });
  };
  const storedDraft = () => store.getState().drafts[entryKey({ kind: 'global' }, TYPE)];
  return { ...hook, store, draftsDb, editor, typed, storedDraft };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useEntryDraft: mirroring into IndexedDB', () => {
  it('stores the draft only after the debounce, with the server text it was based on', () => {
    const { typed, storedDraft, draftsDb } = setup();
    typed('{"theme": "light"}');
    expect(storedDraft()).toBeUndefined();
    act(() => {
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
    });
    expect(storedDraft()).toMatchObject({
      userId: USER,
      scopeKey: 'global',
      type: TYPE,
      baseText: SERVER_TEXT,
    });
    expect(draftsDb.rows.get(entryKey({ kind: 'global' }, TYPE))?.text).toBe('{"theme": "light"}');
  });

  it('drops the stored draft when the text is back to the server text', () => {
    const { typed, storedDraft, draftsDb, result } = setup();
    typed('{"theme": "light"}');
    act(() => {
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
    });
    typed(SERVER_TEXT);
    expect(storedDraft()).toBeUndefined();
    expect(draftsDb.rows.size).toBe(0);
    expect(result.current.isDirty).toBe(false);
  });

  it('flushes a draft still waiting for the debounce when the panel unmounts', () => {
    const { typed, storedDraft, unmount } = setup();
    typed('{"theme": "light"}');
    unmount();
    expect(storedDraft()?.text).toBe('{"theme": "light"}');
  });

  it('stores a draft still waiting for the debounce on pagehide (reload, close), synchronously too', () => {
    const { typed, storedDraft, draftsDb } = setup();
    typed('{"theme": "light"}');
    act(() => {
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
    });
    typed('{"theme": "light", "last": "keystroke"}');
    act(() => {
      window.dispatchEvent(new Event('pagehide'));
    });
    expect(storedDraft()?.text).toBe('{"theme": "light", "last": "keystroke"}');
    expect(draftsDb.rows.get(entryKey({ kind: 'global' }, TYPE))?.text).toBe(
      '{"theme": "light", "last": "keystroke"}',
    );
    // Only the draft that was still waiting goes the synchronous way (IndexedDB dies with the page).
    expect(draftsDb.beforeUnload.map((d) => d.text)).toEqual(['{"theme": "light", "last": "keystroke"}']);
  });

  it('writes nothing on pagehide when no draft is waiting', () => {
    const { typed, draftsDb } = setup();
    typed('{"theme": "light"}');
    act(() => {
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
    });
    act(() => {
      window.dispatchEvent(new Event('pagehide'));
    });
    expect(draftsDb.beforeUnload).toEqual([]);
  });

  it('stores a draft still waiting for the debounce when the tab is hidden', () => {
    const { typed, storedDraft, draftsDb } = setup();
    typed('{"theme": "light"}');
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    visibility.mockRestore();
    expect(storedDraft()?.text).toBe('{"theme": "light"}');
    // Synchronously too: on a reload, `visibilitychange` may come before `pagehide` and take the draft.
    expect(draftsDb.beforeUnload.map((d) => d.text)).toEqual(['{"theme": "light"}']);
  });

  it('stash stores an unsaved edit at once (Hide before the debounce), and nothing when clean', () => {
    const { typed, storedDraft, result, editor } = setup();
    editor.current.text = SERVER_TEXT;
    act(() => {
      result.current.stash();
    });
    expect(storedDraft()).toBeUndefined();
    typed('{"mine": 1}');
    act(() => {
      result.current.stash();
    });
    expect(storedDraft()?.text).toBe('{"mine": 1}');
  });

  it('offers a stored draft as the initial text', () => {
    const { result } = setup({
      stored: { scopeKey: 'global', type: TYPE, text: '{"restored": true}', baseText: SERVER_TEXT },
    });
    expect(result.current.editorProps.initialText).toBe('{"restored": true}');
    expect(result.current.conflictText).toBeNull();
  });
});

describe('useEntryDraft: conflicts', () => {
  it('reports a conflict for a stored draft whose server value moved meanwhile', () => {
    const { result } = setup({
      stored: { scopeKey: 'global', type: TYPE, text: '{"restored": true}', baseText: '{"old": 1}' },
    });
    expect(result.current.conflictText).toBe(SERVER_TEXT);
  });

  it('Take theirs puts the server text into the editor and drops the draft', () => {
    const { typed, result, editor, storedDraft } = setup();
    typed('{"mine": 1}');
    act(() => {
      result.current.editorProps.onServerChangedWhileDirty('{"theirs": 1}');
    });
    expect(result.current.conflictText).toBe('{"theirs": 1}');
    act(() => {
      result.current.takeTheirs();
    });
    expect(editor.current.text).toBe('{"theirs": 1}');
    expect(result.current.conflictText).toBeNull();
    expect(storedDraft()).toBeUndefined();
  });

  it('Keep mine hides the conflict and stores the draft against the current server text', () => {
    const { typed, result, rerender, storedDraft } = setup();
    typed('{"mine": 1}');
    const theirs = { theirs: 1 };
    rerender({ entry: liveEntry(TYPE, theirs) });
    act(() => {
      result.current.editorProps.onServerChangedWhileDirty(formatContent(theirs));
    });
    act(() => {
      result.current.keepMine();
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
    });
    expect(result.current.conflictText).toBeNull();
    expect(storedDraft()).toMatchObject({ text: '{"mine": 1}', baseText: formatContent(theirs) });
  });

  it('a clean editor never shows a conflict', () => {
    const { typed, result } = setup();
    typed('{"mine": 1}');
    act(() => {
      result.current.editorProps.onServerChangedWhileDirty('{"theirs": 1}');
    });
    typed(SERVER_TEXT);
    expect(result.current.conflictText).toBeNull();
  });
});

describe('useEntryDraft: deletion under a draft', () => {
  it('says so when the entry is deleted while dirty; Discard my draft shows the last content', () => {
    const { typed, result, rerender, editor } = setup();
    typed('{"kept": true}');
    const live = liveEntry(TYPE, SERVER);
    rerender({ entry: tombstone(TYPE, live, 2) });
    expect(result.current.isDeletedUnderDraft).toBe(true);
    expect(result.current.baseText).toBe(SERVER_TEXT);

    act(() => {
      result.current.discardMine();
    });
    expect(editor.current.text).toBe(SERVER_TEXT);
    expect(result.current.isDeletedUnderDraft).toBe(false);
  });

  it('says nothing when the entry is deleted while clean', () => {
    const { result, rerender } = setup();
    rerender({ entry: tombstone(TYPE, liveEntry(TYPE, SERVER), 2) });
    expect(result.current.isDeletedUnderDraft).toBe(false);
  });
});

describe('useEntryDraft: a save in flight', () => {
  it('keeps comparing against the text saved over until the save settles (regression: e2e "a write the server refuses…")', () => {
    const { typed, result, rerender } = setup();
    typed('{"a": 1}');
    act(() => {
      result.current.saveStarted();
    });
    // The optimistic value arrives in the cache: the draft must not look clean yet.
    rerender({ entry: liveEntry(TYPE, { a: 1 }) });
    expect(result.current.editorProps.serverText).toBe(SERVER_TEXT);
    act(() => {
      result.current.saveSettled();
    });
    expect(result.current.editorProps.serverText).toBe(formatContent({ a: 1 }));
  });
});
