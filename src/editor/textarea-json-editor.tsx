/**
 * A plain `<textarea>` implementation of the JSON editor contract.
 *
 * Two jobs: the fallback when Monaco's chunk cannot load (offline after a deploy, blocked workers), so
 * editing and saving keep working; and the double for component tests, because Monaco cannot run in
 * jsdom. It honours the same props and handle, minus schema problems and rich undo.
 */
import { useEffect, useRef, type CSSProperties } from 'react';
import { offsetAt } from './json-text';
import { DEFAULT_EDITOR_HEIGHT, type JsonEditorProps } from './json-editor-types';
import { useDraftDocument } from './use-draft-document';

/** Style shared with the loading placeholder so the layout does not jump when Monaco arrives. */
export const plainEditorStyle: CSSProperties = {
  boxSizing: 'border-box',
  width: '100%',
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  fontSize: '0.875rem',
  lineHeight: 1.5,
  tabSize: 2,
  whiteSpace: 'pre',
  overflow: 'auto',
  colorScheme: 'light dark',
  resize: 'vertical',
};

/**
 * Textarea JSON editor. Same props and handle as `JsonEditor`; `onValidation` never reports schema
 * problems, and `setText` replaces the text without keeping the browser's undo history.
 */
export function TextareaJsonEditor(props: JsonEditorProps) {
  const { documentUri, readOnly = false, ariaLabel, height = DEFAULT_EDITOR_HEIGHT, className } = props;
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const { attach, contentChanged, latestProps } = useDraftDocument(props);

  useEffect(() => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    const { initialText, serverText } = latestProps();
    textarea.value = initialText ?? serverText;
    return attach({
      buffer: {
        getText: () => textarea.value,
        replaceText: (text) => {
          // Keep the caret where it was (clamped) rather than jumping to the end.
          const { selectionStart, selectionEnd } = textarea;
          textarea.value = text;
          textarea.setSelectionRange(
            Math.min(selectionStart, text.length),
            Math.min(selectionEnd, text.length),
          );
        },
      },
      focus: () => {
        textarea.focus();
      },
      revealPosition: (line, column) => {
        const offset = offsetAt(textarea.value, { line, column });
        textarea.focus();
        textarea.setSelectionRange(offset, offset);
      },
    });
  }, [documentUri, attach, latestProps]);

  return (
    <textarea
      ref={textareaRef}
      aria-label={ariaLabel}
      className={className}
      readOnly={readOnly}
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      autoCorrect="off"
      wrap="off"
      onInput={contentChanged}
      style={{ ...plainEditorStyle, height }}
    />
  );
}
