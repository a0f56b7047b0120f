/**
 * Test doubles for the lazy Monaco modules (Monaco cannot run in jsdom; docs/architecture.md "Tests": replace the
 * lazy editor with a textarea double). This module has the export names of both
 * `src/editor/json-editor.tsx` and `src/editor/diff-view.tsx`, so a component test swaps them with:
 *
 * ```ts
 * vi.mock('../../editor/json-editor.tsx', () => import('../../test/editor-doubles.tsx'));
 * vi.mock('../../editor/diff-view.tsx', () => import('../../test/editor-doubles.tsx'));
 * ```
 *
 * The doubles are the real fallback implementations (same props and handle), rendered at once
 * instead of behind `React.lazy`; validation reports are not debounced unless a test asks.
 */
import type { DiffViewProps } from '../editor/diff-view-types.ts';
import type { JsonEditorProps } from '../editor/json-editor-types.ts';
import { TextareaJsonEditor } from '../editor/textarea-json-editor.tsx';
import { TextDiffView } from '../editor/text-diff-view.tsx';

/** Stands in for `JsonEditor`: the textarea implementation, validation reported without delay. */
export function JsonEditor(props: JsonEditorProps) {
  return <TextareaJsonEditor {...props} validationDelayMs={props.validationDelayMs ?? 0} />;
}

/** Stands in for `preloadJsonEditor`: there is no chunk to preload. */
export function preloadJsonEditor(): void {
  // Nothing to warm up: the double is not lazy.
}

/** Stands in for `DiffView`: the plain unified diff. */
export function DiffView(props: DiffViewProps) {
  return <TextDiffView {...props} />;
}
