/**
 * The Monaco implementation of `DiffView`: side by side when there is room, inline when narrow,
 * read-only on both sides. Reached only through `React.lazy` in `diff-view.tsx`.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { editor } from 'monaco-editor/editor/editor.api';
import {
  DEFAULT_DIFF_HEIGHT,
  DEFAULT_MODIFIED_LABEL,
  DEFAULT_ORIGINAL_LABEL,
  type DiffViewProps,
} from './diff-view-types';
import { monaco } from './monaco-setup';

/** Monaco diff view; default export so `React.lazy` can load it. */
export default function MonacoDiffView({
  original,
  modified,
  ariaLabel,
  originalLabel = DEFAULT_ORIGINAL_LABEL,
  modifiedLabel = DEFAULT_MODIFIED_LABEL,
  height = DEFAULT_DIFF_HEIGHT,
  className,
}: DiffViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const modelsRef = useRef<{ original: editor.ITextModel; modified: editor.ITextModel } | null>(null);
  // Latest texts for (re)building the models without making the build effect depend on them.
  const textsRef = useRef({ original, modified });
  useLayoutEffect(() => {
    textsRef.current = { original, modified };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const current = textsRef.current;
    // Models without a URI get `inmemory://model/N`, which no schema glob matches: no warnings in a diff.
    const models = {
      original: monaco.editor.createModel(current.original, 'json'),
      modified: monaco.editor.createModel(current.modified, 'json'),
    };
    const diff = monaco.editor.createDiffEditor(container, {
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: true,
      // Whitespace is part of what will be saved; show it.
      ignoreTrimWhitespace: false,
      hideUnchangedRegions: { enabled: true },
      renderValidationDecorations: 'off',
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
      accessibilitySupport: 'auto',
      originalAriaLabel: `${ariaLabel}: ${originalLabel}`,
      modifiedAriaLabel: `${ariaLabel}: ${modifiedLabel}`,
    });
    diff.setModel(models);
    // monaco-editor 0.57 builds the two sides without `originalAriaLabel`/`modifiedAriaLabel`, and
    // resets their labels to "" whenever it re-derives their options (e.g. switching to the inline
    // view on resize), leaving two unnamed text boxes for screen readers (found by axe). Hold each
    // side to its label.
    const labels = [
      labelHeld(diff.getOriginalEditor(), `${ariaLabel}: ${originalLabel}`),
      labelHeld(diff.getModifiedEditor(), `${ariaLabel}: ${modifiedLabel}`),
    ];
    modelsRef.current = models;
    return () => {
      for (const label of labels) label.dispose();
      diff.dispose();
      models.original.dispose();
      models.modified.dispose();
      modelsRef.current = null;
    };
    // The side labels are set once per diff editor, so a label change rebuilds it.
  }, [ariaLabel, originalLabel, modifiedLabel]);

  useEffect(() => {
    const model = modelsRef.current?.original;
    if (model && model.getValue() !== original) model.setValue(original);
  }, [original]);

  useEffect(() => {
    const model = modelsRef.current?.modified;
    if (model && model.getValue() !== modified) model.setValue(modified);
  }, [modified]);

  return (
    <section aria-label={ariaLabel} className={className}>
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <span>{originalLabel}</span>
        <span>{modifiedLabel}</span>
      </div>
      <div ref={containerRef} style={{ height, width: '100%' }} />
    </section>
  );
}

/** Gives a diff side its accessible name and gives it back whenever Monaco changes it. */
function labelHeld(side: editor.ICodeEditor, label: string): { dispose(): void } {
  const apply = () => {
    if (side.getOption(monaco.editor.EditorOption.ariaLabel) !== label)
      side.updateOptions({ ariaLabel: label });
  };
  apply();
  return side.onDidChangeConfiguration((event) => {
    if (event.hasChanged(monaco.editor.EditorOption.ariaLabel)) apply();
  });
}
