/**
 * The life cycle of one entry's unsaved draft, without any widget: mirrored into IndexedDB (debounced)
 * so it survives reloads, flushed when the panel closes, dropped when the editor is clean again, and
 * never overwritten by a server change — a conflict (or a deletion) under a dirty draft is reported
 * instead, for the panel to offer "Keep mine" / "Take theirs" / "Discard my draft".
 *
 * The draft text itself lives in the editor (docs/architecture.md "Editor"); this hook reads and replaces it
 * through the editor handle it is given.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { JsonEditorHandle, JsonEditorProps } from '../../editor/json-editor-types.ts';
import type { Draft, DraftsDb } from './drafts-db.ts';
import { useInspector } from './inspector-store.tsx';
import { entryKeyIn } from '../../matrix/entry-key.ts';
import { formatContent, type Entry } from './model.ts';

export const DRAFT_SAVE_DELAY_MS = 400;

export type UseEntryDraftOptions = {
  userId: string;
  draftsDb: DraftsDb;
  /** The entry's scope key, as `scopeKey(scope)` (`src/matrix/entry-key.ts`) builds it. */
  scopeKey: string;
  entry: Entry;
  /** The editor holding the draft text. */
  editor: RefObject<JsonEditorHandle | null>;
};

/** The editor props the draft owns; spread them onto `JsonEditor`. */
export type EntryDraftEditorProps = Required<
  Pick<JsonEditorProps, 'serverText' | 'onDirtyChange' | 'onTextChange' | 'onServerChangedWhileDirty'>
> &
  Pick<JsonEditorProps, 'initialText'>;

export type EntryDraft = {
  /** The draft differs from the server text, as the editor last reported. */
  isDirty: boolean;
  /** What the editor shows when clean: the live text, or a tombstone's last known content. */
  baseText: string;
  /** The server text that changed under the dirty draft; null when there is no conflict to show. */
  conflictText: string | null;
  /** The entry was deleted (here or elsewhere) while the draft held unsaved changes, and still does. */
  isDeletedUnderDraft: boolean;
  editorProps: EntryDraftEditorProps;
  /** Keep the draft over the new server value; a later save diffs against the new value. */
  keepMine: () => void;
  /** Replace the draft with the server value that caused the conflict. */
  takeTheirs: () => void;
  /** Replace the draft with the clean text (Revert, "Discard my draft"). */
  discardMine: () => void;
  /** Store an unsaved edit now (not debounced), e.g. before the editor unmounts to hide a secret. */
  stash: () => void;
  /** A save of the draft started: compare against the text it was saved over until it settles. */
  saveStarted: () => void;
  saveSettled: () => void;
};

export function useEntryDraft({
  userId,
  draftsDb,
  scopeKey,
  entry,
  editor,
}: UseEntryDraftOptions): EntryDraft {
  const actions = useInspector((s) => s.actions);
  const storedDraft = useInspector((s) => s.drafts[entryKeyIn(scopeKey, entry.type)]);

  const [isDirty, setIsDirty] = useState(false);
  const [conflictText, setConflictText] = useState<string | null>(() =>
    storedDraft && storedDraft.baseText !== entry.text ? entry.text : null,
  );
  // The entry was deleted (here or elsewhere) while the editor held unsaved changes. The draft text
  // equals nothing the server has, so the editor cannot detect this itself: compare during render.
  const [wasDeleted, setWasDeleted] = useState(entry.isDeleted);
  const [isDeletedUnderDraft, setIsDeletedUnderDraft] = useState(false);
  if (wasDeleted !== entry.isDeleted) {
    setWasDeleted(entry.isDeleted);
    setIsDeletedUnderDraft(entry.isDeleted && isDirty);
  }
  // While a save is in flight the editor keeps comparing against the text it was saved over, not the
  // optimistic value: otherwise the draft would look "clean", be dropped, and then be lost when a
  // failed write rolls the cache back (regression test: e2e "a write the server refuses…").
  const [pinnedServerText, setPinnedServerText] = useState<string | null>(null);

  const baseText = entry.isDeleted ? formatContent(entry.lastContent ?? {}) : entry.text;

  // Mirror the draft into IndexedDB, debounced; drop it when the editor is clean again. A pending
  // save is flushed (not dropped) when the panel closes, so switching entries never loses an edit.
  const saveTimer = useRef<number | undefined>(undefined);
  const pendingDraft = useRef<Draft | null>(null);
  const flushDraft = useCallback(
    (how: 'now' | 'before-unload' = 'now') => {
      window.clearTimeout(saveTimer.current);
      const draft = pendingDraft.current;
      if (!draft) return;
      pendingDraft.current = null;
      actions.draftSaved(draft);
      const saved = how === 'before-unload' ? draftsDb.putBeforeUnload(draft) : draftsDb.put(draft);
      saved.catch(() => undefined);
    },
    [actions, draftsDb],
  );
  const persistDraft = useCallback(
    (text: string, baseText: string) => {
      window.clearTimeout(saveTimer.current);
      pendingDraft.current = { userId, scopeKey, type: entry.type, text, baseText, savedAt: Date.now() };
      saveTimer.current = window.setTimeout(() => {
        flushDraft();
      }, DRAFT_SAVE_DELAY_MS);
    },
    [userId, entry.type, flushDraft, scopeKey],
  );
  const discardDraft = useCallback(() => {
    window.clearTimeout(saveTimer.current);
    pendingDraft.current = null;
    actions.draftDiscarded(scopeKey, entry.type);
    draftsDb.delete(userId, scopeKey, entry.type).catch(() => undefined);
  }, [actions, userId, draftsDb, entry.type, scopeKey]);
  useEffect(
    () => () => {
      flushDraft();
    },
    [flushDraft],
  );
  // Nor when the tab is hidden (the page may be discarded later without another event) or goes
  // away (reload, close). A page going away aborts its IndexedDB transactions, so the draft also
  // goes synchronously to localStorage, and the next load moves it into IndexedDB (`drafts-db.ts`).
  // On hiding too: browsers differ in whether `visibilitychange` comes before `pagehide` on a
  // reload, and the first of the two takes the waiting draft.
  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') flushDraft('before-unload');
    };
    const onPageHide = () => {
      flushDraft('before-unload');
    };
    window.addEventListener('pagehide', onPageHide);
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      document.removeEventListener('visibilitychange', onHidden);
    };
  }, [flushDraft]);

  const onTextChange = useCallback(
    (text: string) => {
      if (text === baseText) discardDraft();
      else persistDraft(text, baseText);
    },
    [baseText, discardDraft, persistDraft],
  );

  const onDirtyChange = useCallback(
    (dirty: boolean) => {
      setIsDirty(dirty);
      if (!dirty) {
        setConflictText(null);
        discardDraft();
      }
    },
    [discardDraft],
  );

  return {
    isDirty,
    baseText,
    conflictText,
    isDeletedUnderDraft: isDeletedUnderDraft && isDirty,
    editorProps: {
      serverText: pinnedServerText ?? baseText,
      // Read by the editor once per mount: a stored draft wins over the server value. Read from the
      // store (not captured once) so that hiding and revealing a secret brings the draft back.
      initialText: storedDraft?.text,
      onDirtyChange,
      onTextChange,
      onServerChangedWhileDirty: setConflictText,
    },
    keepMine: () => {
      setConflictText(null);
      const text = editor.current?.getText();
      if (text !== undefined) persistDraft(text, baseText);
    },
    takeTheirs: () => {
      if (conflictText !== null) editor.current?.setText(conflictText);
      setConflictText(null);
      discardDraft();
    },
    discardMine: () => {
      editor.current?.setText(baseText);
      setConflictText(null);
      setIsDeletedUnderDraft(false);
      discardDraft();
    },
    stash: () => {
      const text = editor.current?.getText();
      if (text !== undefined && text !== baseText) {
        persistDraft(text, baseText);
        flushDraft();
      }
    },
    saveStarted: () => {
      setPinnedServerText(entry.text);
    },
    saveSettled: () => {
      setPinnedServerText(null);
    },
  };
}
