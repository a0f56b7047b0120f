/**
 * The rules for a draft that lives next to a live server value, independent of the text widget.
 *
 * Both editor implementations (Monaco and the textarea fallback) plug their text buffer in here, so
 * "clean drafts follow the server, dirty drafts are never overwritten" is written and tested once.
 */
import { sameJsonText } from './json-text';

/** The text widget as the draft logic sees it. */
export interface TextBuffer {
  getText(): string;
  /** Replaces the whole text. Implementations should keep the user's undo history where they can. */
  replaceText(text: string): void;
}

/** Who hears about state changes; called synchronously. */
export interface DraftSyncListener {
  onDirtyChange(isDirty: boolean): void;
  onServerChangedWhileDirty(serverText: string): void;
}

/**
 * What {@link DraftSync.serverTextChanged} did:
 * - `unchanged`: the server text is the one we already had;
 * - `updated`: the draft was clean and now shows the new server text;
 * - `converged`: the draft already held the new value (e.g. the echo of the user's own save), so it is
 *   clean again;
 * - `conflict`: the draft has unsaved changes and the server moved underneath it; the draft is kept.
 */
export type ServerTextOutcome = 'unchanged' | 'updated' | 'converged' | 'conflict';

/**
 * Tracks whether a draft differs from the last-known server text and decides what a server change does.
 *
 * "Dirty" always means "differs from the *latest* server text", not from the text the draft started
 * from: after a conflict the user might undo back to the old server text, and calling that clean would
 * present a stale value as the current one.
 */
export class DraftSync {
  #serverText: string;
  #isDirty: boolean;

  constructor(
    private readonly buffer: TextBuffer,
    serverText: string,
    private readonly listener: DraftSyncListener,
  ) {
    this.#serverText = serverText;
    this.#isDirty = buffer.getText() !== serverText;
  }

  /** Whether the draft differs from the last-known server text. */
  get isDirty(): boolean {
    return this.#isDirty;
  }

  /** The last-known server text, i.e. what "revert" or "take theirs" should restore. */
  get serverText(): string {
    return this.#serverText;
  }

  /** Call after every change to the buffer, whoever made it. */
  contentChanged(): void {
    this.#setDirty(this.buffer.getText() !== this.#serverText);
  }

  /** Replaces the draft (revert, take theirs, format) and re-evaluates dirtiness. */
  setText(text: string): void {
    if (this.buffer.getText() !== text) this.buffer.replaceText(text);
    this.contentChanged();
  }

  /** Call when the server text prop changes. Never touches a dirty draft unless it already matches. */
  serverTextChanged(next: string): ServerTextOutcome {
    if (next === this.#serverText) return 'unchanged';
    const text = this.buffer.getText();
    const wasClean = text === this.#serverText;
    this.#serverText = next;
    if (wasClean || sameJsonText(text, next)) {
      // Clean drafts follow the server. A draft that already holds the same value (typically the echo
      // of the user's own save, typed with different whitespace) adopts the server's formatting.
      if (text !== next) this.buffer.replaceText(next);
      this.contentChanged();
      return wasClean ? 'updated' : 'converged';
    }
    this.#setDirty(true);
    this.listener.onServerChangedWhileDirty(next);
    return 'conflict';
  }

  #setDirty(isDirty: boolean): void {
    if (isDirty === this.#isDirty) return;
    this.#isDirty = isDirty;
    this.listener.onDirtyChange(isDirty);
  }
}

/**
 * The smallest single replacement that turns `before` into `after`: common prefix and suffix are kept.
 *
 * Applying only the changed middle keeps the cursor, selection and scroll position of an editor whose
 * content is updated in place by a server change, instead of jumping to the end of the document.
 */
export function minimalReplacement(
  before: string,
  after: string,
): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (
    endBefore > start &&
    endAfter > start &&
    before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)
  ) {
    endBefore--;
    endAfter--;
  }
  // Never split a surrogate pair: an edit boundary inside one would create lone surrogates.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
