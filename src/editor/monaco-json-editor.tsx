/**
 * The Monaco implementation of the JSON editor. Reached only through `React.lazy` in `json-editor.tsx`.
 *
 * The draft lives in the Monaco model (one per document URI), not in React state: typing never
 * re-renders React, and undo history, markers and schema hovers all hang off the model.
 */
import { useEffect, useRef } from 'react';
import type { editor } from 'monaco-editor/editor/editor.api';
import { minimalReplacement } from './draft-sync';
import { DEFAULT_EDITOR_HEIGHT, type JsonEditorProps } from './json-editor-types';
import { monacoUriComponents } from './model-uri';
import { JSON_MARKER_OWNER, monaco } from './monaco-setup';
import { createRefCountedCache } from './ref-counted-cache';
import { useDraftDocument } from './use-draft-document';
import { schemaProblemsFromMarkers } from './validation';

const models = createRefCountedCache<string, editor.ITextModel>(
  (model) => {
    model.dispose();
  },
  (model) => !model.isDisposed(),
);

/** Options that do not depend on props. */
const editorOptions: editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  wordWrap: 'on',
  // Keep hovers and suggestions visible when the editor sits in a scrolling or clipped container.
  fixedOverflowWidgets: true,
  // Show squiggles in read-only editors too: problems in server-managed data are still worth seeing.
  renderValidationDecorations: 'on',
  accessibilitySupport: 'auto',
  unicodeHighlight: { ambiguousCharacters: true, invisibleCharacters: true, nonBasicASCII: false },
  readOnlyMessage: { value: 'This entry is read-only here.' },
  formatOnPaste: false,
  tabSize: 2,
  insertSpaces: true,
  detectIndentation: false,
};

/** Monaco JSON editor; default export so `React.lazy` can load it. */
export default function MonacoJsonEditor(props: JsonEditorProps) {
  const { documentUri, readOnly = false, ariaLabel, height = DEFAULT_EDITOR_HEIGHT, className } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const { attach, contentChanged, scheduleValidation, latestProps } = useDraftDocument(props);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const current = latestProps();
    const uri = monaco.Uri.from(monacoUriComponents(documentUri));
    const key = uri.toString();
    const lease = models.acquire(key, () => {
      // A leftover model (e.g. created by code outside this cache) would make createModel throw.
      monaco.editor.getModel(uri)?.dispose();
      return monaco.editor.createModel(current.initialText ?? current.serverText, 'json', uri);
    });
    const model = lease.value;
    model.updateOptions({ tabSize: 2, insertSpaces: true });

    const instance = monaco.editor.create(container, {
      ...editorOptions,
      model,
      readOnly: current.readOnly ?? false,
      ariaLabel: current.ariaLabel,
    });
    editorRef.current = instance;

    const subscriptions = [
      model.onDidChangeContent(contentChanged),
      monaco.editor.onDidChangeMarkers((uris) => {
        if (uris.some((changed) => changed.toString() === key)) scheduleValidation();
      }),
    ];

    const detach = attach({
      buffer: {
        getText: () => model.getValue(),
        replaceText: (text) => {
          const edit = minimalReplacement(model.getValue(), text);
          if (!edit) return;
          const range = monaco.Range.fromPositions(
            model.getPositionAt(edit.start),
            model.getPositionAt(edit.end),
          );
          // Separate undo stops: one Ctrl+Z undoes exactly this replacement, not the user's last typing too.
          model.pushStackElement();
          model.pushEditOperations(instance.getSelections(), [{ range, text: edit.text }], () => null);
          model.pushStackElement();
        },
      },
      getSchemaProblems: () =>
        schemaProblemsFromMarkers(monaco.editor.getModelMarkers({ resource: uri, owner: JSON_MARKER_OWNER })),
      focus: () => {
        instance.focus();
      },
      revealPosition: (lineNumber, column) => {
        const position = model.validatePosition({ lineNumber, column });
        instance.setPosition(position);
        instance.revealPositionInCenterIfOutsideViewport(position);
        instance.focus();
      },
    });

    return () => {
      detach();
      for (const subscription of subscriptions) subscription.dispose();
      instance.dispose();
      editorRef.current = null;
      lease.release();
    };
  }, [documentUri, attach, contentChanged, scheduleValidation, latestProps]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly, ariaLabel });
  }, [readOnly, ariaLabel]);

  return <div ref={containerRef} className={className} style={{ height, width: '100%' }} />;
}
