/**
 * The contract every JSON editor implementation honours: the Monaco editor, the textarea fallback
 * used when Monaco cannot load, and the textarea double used in component tests. Features code
 * against this file only, so swapping implementations never changes their behaviour.
 */
import type { Ref } from 'react';
import type { EditorValidation } from './validation';

/** Props of {@link JsonEditor} (and of every implementation behind it). */
export type JsonEditorProps = {
  /**
   * Identity of the document, normally from `modelUriFor(scope, type)`. The draft belongs to this URI:
   * changing it starts a new document (the old draft is discarded, so confirm first when dirty), and
   * JSON schemas are chosen by matching it.
   */
  documentUri: string;
  /**
   * The last-known server content, pretty-printed with `formatContent`. When it changes and the draft
   * is clean, the editor shows the new text in place; when the draft is dirty the editor keeps the
   * draft and calls {@link JsonEditorProps.onServerChangedWhileDirty}.
   */
  serverText: string;
  /**
   * Text to start a new document with, when it should differ from `serverText` (a restored draft, a
   * template for a new type). Read once per `documentUri`; the editor starts dirty if it differs.
   */
  initialText?: string;
  /** Blocks user edits (server-managed types, secrets). The imperative `setText` still works. */
  readOnly?: boolean;
  /** Accessible name of the editing surface, e.g. "Content of m.direct". Required: it is the only label. */
  ariaLabel: string;
  /**
   * Called with the initial state of every new document, then each time the draft starts or stops
   * differing from `serverText`. Hide a conflict banner when this reports `false`.
   */
  onDirtyChange?: (isDirty: boolean) => void;
  /**
   * Called with the draft text after every change to it: typing, `setText`, or an in-place update from
   * the server. Not debounced (debounce expensive work such as persisting drafts yourself); not called
   * for the initial text of a document.
   */
  onTextChange?: (text: string) => void;
  /** Called (debounced) with a fresh report whenever it changes; once right away for each document. */
  onValidation?: (validation: EditorValidation) => void;
  /**
   * The server value changed while the draft had unsaved changes. The draft was kept; show a banner
   * with a diff (`DiffView`) offering "take theirs" (`handle.setText(serverText)`) or "keep mine".
   */
  onServerChangedWhileDirty?: (serverText: string) => void;
  /** Debounce for `onValidation`, in ms. Defaults to {@link DEFAULT_VALIDATION_DELAY_MS}. */
  validationDelayMs?: number;
  /** CSS height of the editing surface; Monaco needs a definite height. Defaults to `24rem`. */
  height?: string | number;
  className?: string;
  /** Imperative access; see {@link JsonEditorHandle}. */
  ref?: Ref<JsonEditorHandle>;
};

/**
 * Imperative operations on the draft. The draft lives in the editor (Monaco model or textarea), not in
 * React state, so features read and replace it through this handle rather than through props.
 */
export interface JsonEditorHandle {
  /** The current draft text, e.g. to parse with `parseContent` before saving. */
  getText(): string;
  /**
   * Replaces the draft ("revert", "take theirs", apply a template) as one undoable edit where the
   * implementation supports it. Dirty state follows: setting the server text makes the editor clean.
   */
  setText(text: string): void;
  /** Moves keyboard focus into the editor. */
  focus(): void;
  /**
   * Re-indents the draft with 2 spaces, keeping every literal exactly as typed. Returns false (and
   * changes nothing) when the draft is not valid JSON.
   */
  format(): boolean;
  /** Puts the cursor at a 1-based position and scrolls it into view, e.g. from a problem list. */
  revealPosition(line: number, column: number): void;
  /** Whether the draft differs from the last-known server text right now (not debounced). */
  isDirty(): boolean;
}

/** Default debounce for validation reports, in ms. */
export const DEFAULT_VALIDATION_DELAY_MS = 300;

/** Default editor height. */
export const DEFAULT_EDITOR_HEIGHT = '24rem';
