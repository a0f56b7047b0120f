/**
 * The account-data JSON editor, as features use it.
 *
 * ```tsx
 * const editor = useRef<JsonEditorHandle>(null);
 * <JsonEditor
 *   ref={editor}
 *   documentUri={modelUriFor(scope, type)}
 *   serverText={formatContent(content)}
 *   ariaLabel={`Content of ${type}`}
 *   readOnly={isServerManaged}
 *   onDirtyChange={(dirty) => actions.draftDirtyChanged(key, dirty)}
 *   onValidation={setValidation}
 *   onServerChangedWhileDirty={(theirs) => actions.conflictDetected(key, theirs)}
 * />
 * // save: const parsed = parseContent(editor.current!.getText()); if (parsed.ok) show DiffView, then PUT
 * ```
 *
 * Monaco is reached only through the lazy import below; this module and everything it imports
 * statically are Monaco-free, so importing `JsonEditor` costs the entry chunk a few kilobytes.
 */
import { lazyWithFallback, type ComponentModule } from './lazy-editor';
import { DEFAULT_EDITOR_HEIGHT, type JsonEditorProps } from './json-editor-types';
import { plainEditorStyle, TextareaJsonEditor } from './textarea-json-editor';

const loadMonacoJsonEditor = (): Promise<ComponentModule<JsonEditorProps>> => import('./monaco-json-editor');

/**
 * Starts downloading Monaco without rendering it, e.g. when the user hovers an entry, so the editor
 * appears without a loading state. Safe to call repeatedly; failures are left to the editor's fallback.
 */
export function preloadJsonEditor(): void {
  // Called on every pointer move over the browser: once started, there is nothing more to do.
  if (isPreloading) return;
  isPreloading = true;
  loadMonacoJsonEditor().catch(() => {
    isPreloading = false;
  });
}
let isPreloading = false;

/**
 * Builds a `JsonEditor` from any loader. Exists for tests (a rejecting loader proves the textarea
 * fallback) and for a future second implementation; features use {@link JsonEditor}.
 */
export function createLazyJsonEditor(load: () => Promise<ComponentModule<JsonEditorProps>>) {
  return lazyWithFallback(load, TextareaJsonEditor, (props) => <LoadingJsonEditor {...props} />);
}

/**
 * The JSON editor: Monaco with schema diagnostics and hovers once loaded, a textarea if Monaco fails.
 * See {@link JsonEditorProps} and {@link JsonEditorHandle} for the contract.
 */
export const JsonEditor = createLazyJsonEditor(loadMonacoJsonEditor);

/**
 * Shown while the chunk loads: the text, read-only, in the same box, so nothing jumps and screen-reader
 * users hear that the editor is coming. Reports nothing to the feature (no dirty or validation calls).
 */
function LoadingJsonEditor({
  initialText,
  serverText,
  ariaLabel,
  height = DEFAULT_EDITOR_HEIGHT,
  className,
}: JsonEditorProps) {
  return (
    <div className={className} aria-busy="true">
      <textarea
        aria-label={`${ariaLabel} (loading editor)`}
        readOnly
        value={initialText ?? serverText}
        style={{ ...plainEditorStyle, height }}
      />
      <span
        role="status"
        style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}
      >
        Loading editor…
      </span>
    </div>
  );
}

// The contract types, so a feature needs one import for the editor it renders.
export type { JsonEditorHandle, JsonEditorProps } from './json-editor-types';
