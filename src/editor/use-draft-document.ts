/**
 * The React half of the editor contract, shared by the Monaco editor and the textarea fallback:
 * latest-props plumbing, the {@link DraftSync} per document, debounced validation reports and the
 * imperative handle. Implementations only provide a text buffer and a few widget operations.
 */
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef } from 'react';
import { DraftSync, type TextBuffer } from './draft-sync';
import { formatJsonText } from './json-text';
import { DEFAULT_VALIDATION_DELAY_MS, type JsonEditorProps } from './json-editor-types';
import { sameValidation, validateText, type EditorValidation, type SchemaProblem } from './validation';

/** What an implementation plugs in for one document. */
export interface DocumentAdapter {
  buffer: TextBuffer;
  /** Schema problems currently known for the document; only Monaco has any. */
  getSchemaProblems?: () => SchemaProblem[];
  focus(): void;
  revealPosition(line: number, column: number): void;
}

/** Returned by {@link useDraftDocument}; all functions are stable across renders. */
export type DraftDocument = {
  /**
   * Starts tracking a document: call from the implementation's per-document effect and return the
   * result from it, so the tracker is dropped in the same cleanup that disposes the widget.
   */
  attach: (adapter: DocumentAdapter) => () => void;
  /** Call on every change of the buffer content. */
  contentChanged: () => void;
  /** Call when something other than the text changed the report (new schema markers). */
  scheduleValidation: () => void;
  /** The latest props, for reading inside effects without re-running them. */
  latestProps: () => JsonEditorProps;
};

/** Wires {@link JsonEditorProps} to a text widget; see {@link DraftDocument}. */
export function useDraftDocument(props: JsonEditorProps): DraftDocument {
  const propsRef = useRef(props);
  useLayoutEffect(() => {
    propsRef.current = props;
  });

  const syncRef = useRef<DraftSync | null>(null);
  const adapterRef = useRef<DocumentAdapter | null>(null);
  const timerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastReportRef = useRef<EditorValidation | undefined>(undefined);
  const lastTextRef = useRef<string | undefined>(undefined);

  // Reports the text once per actual change, however it happened (Monaco fires a content event for
  // programmatic edits, a textarea does not; deduplicating covers both).
  const notifyText = useCallback(() => {
    const adapter = adapterRef.current;
    if (!adapter) return;
    const text = adapter.buffer.getText();
    if (text === lastTextRef.current) return;
    lastTextRef.current = text;
    propsRef.current.onTextChange?.(text);
  }, []);

  const emitValidation = useCallback(() => {
    clearTimeout(timerRef.current);
    timerRef.current = undefined;
    const adapter = adapterRef.current;
    if (!adapter) return;
    const report = validateText(adapter.buffer.getText(), adapter.getSchemaProblems?.() ?? []);
    if (sameValidation(lastReportRef.current, report)) return;
    lastReportRef.current = report;
    propsRef.current.onValidation?.(report);
  }, []);

  const scheduleValidation = useCallback(() => {
    clearTimeout(timerRef.current);
    timerRef.current = setTimeout(
      emitValidation,
      propsRef.current.validationDelayMs ?? DEFAULT_VALIDATION_DELAY_MS,
    );
  }, [emitValidation]);

  const attach = useCallback(
    (adapter: DocumentAdapter) => {
      const buffer: TextBuffer = {
        getText: () => adapter.buffer.getText(),
        replaceText: (text) => {
          adapter.buffer.replaceText(text);
          notifyText();
        },
      };
      const sync = new DraftSync(buffer, propsRef.current.serverText, {
        onDirtyChange: (isDirty) => propsRef.current.onDirtyChange?.(isDirty),
        onServerChangedWhileDirty: (serverText) => propsRef.current.onServerChangedWhileDirty?.(serverText),
      });
      syncRef.current = sync;
      adapterRef.current = adapter;
      lastReportRef.current = undefined;
      lastTextRef.current = adapter.buffer.getText();
      propsRef.current.onDirtyChange?.(sync.isDirty);
      emitValidation();
      return () => {
        if (syncRef.current === sync) {
          syncRef.current = null;
          adapterRef.current = null;
        }
        clearTimeout(timerRef.current);
        timerRef.current = undefined;
      };
    },
    [emitValidation, notifyText],
  );

  const contentChanged = useCallback(() => {
    notifyText();
    syncRef.current?.contentChanged();
    scheduleValidation();
  }, [notifyText, scheduleValidation]);

  const { serverText } = props;
  useEffect(() => {
    const outcome = syncRef.current?.serverTextChanged(serverText);
    if (outcome !== undefined && outcome !== 'unchanged') scheduleValidation();
  }, [serverText, scheduleValidation]);

  useImperativeHandle(
    props.ref,
    () => ({
      getText: () => adapterRef.current?.buffer.getText() ?? '',
      setText: (text) => {
        syncRef.current?.setText(text);
        scheduleValidation();
      },
      focus: () => adapterRef.current?.focus(),
      format: () => {
        const sync = syncRef.current;
        const adapter = adapterRef.current;
        if (!sync || !adapter) return false;
        const formatted = formatJsonText(adapter.buffer.getText());
        if (formatted === undefined) return false;
        sync.setText(formatted);
        scheduleValidation();
        return true;
      },
      revealPosition: (line, column) => adapterRef.current?.revealPosition(line, column),
      isDirty: () => syncRef.current?.isDirty ?? false,
    }),
    [scheduleValidation],
  );

  const latestProps = useCallback(() => propsRef.current, []);
  return { attach, contentChanged, scheduleValidation, latestProps };
}
