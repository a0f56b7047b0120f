/**
 * `DiffView`: server version vs draft, read-only. Used to confirm a save ("Save first shows a diff and
 * asks for confirmation") and inside the conflict banner. Monaco is reached only through the lazy
 * import; if it fails, a plain unified diff is shown instead.
 *
 * ```tsx
 * <DiffView ariaLabel={`Changes to ${type}`} original={serverText} modified={draft} />
 * ```
 */
import type { DiffViewProps } from './diff-view-types';
import { DEFAULT_DIFF_HEIGHT } from './diff-view-types';
import { lazyWithFallback, type ComponentModule } from './lazy-editor';
import { plainEditorStyle } from './textarea-json-editor';
import { TextDiffView } from './text-diff-view';

const loadMonacoDiffView = (): Promise<ComponentModule<DiffViewProps>> => import('./monaco-diff-view');

/** Builds a `DiffView` from any loader; for tests (a rejecting loader proves the fallback). */
export function createLazyDiffView(load: () => Promise<ComponentModule<DiffViewProps>>) {
  return lazyWithFallback(load, TextDiffView, (props) => <LoadingDiffView {...props} />);
}

/** Read-only diff of `original` → `modified`; see {@link DiffViewProps}. */
export const DiffView = createLazyDiffView(loadMonacoDiffView);

function LoadingDiffView({ ariaLabel, height = DEFAULT_DIFF_HEIGHT, className }: DiffViewProps) {
  return (
    <section aria-label={ariaLabel} aria-busy="true" className={className}>
      <div role="status" style={{ ...plainEditorStyle, resize: 'none', height }}>
        Loading diff…
      </div>
    </section>
  );
}

export type { DiffViewProps } from './diff-view-types';
