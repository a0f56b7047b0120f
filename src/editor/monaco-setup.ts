/**
 * Loads and configures Monaco. Imported only by the lazily loaded editor modules, so everything here
 * lands in the lazy chunk and never in the entry chunk.
 *
 * Import choices (verified for monaco-editor 0.57, see STACK-NOTES):
 * - `editor/editor.api` is the bare editor; the package root would register ~80 languages and emit
 *   TypeScript, CSS and HTML workers (≈7 MB) we never use.
 * - `editor.api` contains no editor *features*; hovers, formatting, find, folding, suggestions and
 *   the diff editor's actions are separate `features/<name>/register` modules. We import the ones an
 *   inspector needs. Without `hover`, schema descriptions and problem tooltips would never show.
 * - But the JSON language brings every feature anyway: its worker manager imports
 *   `internal/common/workers`, which in 0.57 also imports all of Monaco's editor contributions. Loaded
 *   late (with the JSON mode, after the first editor had started Monaco's services), their services
 *   were unknown to every later editor: the diff view logged "[createInstance] … depends on UNKNOWN
 *   service ICodeLensCache" and "… treeViewsDndService", and the first editor had fewer features than
 *   the next. So that module is imported here, before any editor exists (docs/architecture.md,
 *   "Editor"; e2e "history › an editor, then a version diff, then another editor"). The `register`
 *   imports below stay as the record of what the inspector relies on.
 * - Workers come from Vite's `?worker` imports (bundled, same origin, no CDN): the JSON worker runs
 *   validation, completion and hovers; the editor worker computes diffs and links.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
// Every editor contribution, registered now rather than when the JSON mode loads (see above).
import 'monaco-editor/internal/common/workers';
// Registers the `json` language (the documented entry point); `jsonDefaults` is imported from the
// module it re-exports because that one ships type declarations.
import 'monaco-editor/language/json/monaco.contribution';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';

import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/snippet/register';
// F8 / Shift+F8 walk through problems: the keyboard route to schema warnings.
import 'monaco-editor/features/gotoError/register';
// Ctrl+M (Ctrl+Shift+M on macOS) makes Tab move focus out of the editor instead of indenting.
import 'monaco-editor/features/toggleTabFocusMode/register';
// Highlights invisible and confusable characters: a lookalike "@аlice" in m.direct is a real risk.
import 'monaco-editor/features/unicodeHighlighter/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/diffEditor/register';
// Collapsed unchanged regions in the diff show the enclosing JSON property ("breadcrumbs"); that needs
// the outline service, which must be registered before the first editor starts Monaco's services.
// Without these two imports the JSON mode chunk brings them in too late and the diff view throws
// "DiffEditorBreadcrumbsSource depends on UNKNOWN service IOutlineModelService".
import 'monaco-editor/features/documentSymbols/register';
import 'monaco-editor/features/diffEditorBreadcrumbs/register';
// The suggest widget; `features/suggest` only registers inline suggestions. Completions come from the
// schemas (property names, enum values, examples).
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';

import { monacoJsonDiagnosticsOptions } from './schemas/registry';
import { followSystemTheme, INSPECTOR_THEMES } from './theme';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'json'
      ? new JsonWorker({ name: 'monaco-json' })
      : new EditorWorker({ name: 'monaco-editor' });
  },
};

// Schemas and severities: see monacoJsonDiagnosticsOptions for the reasoning.
jsonDefaults.setDiagnosticsOptions(monacoJsonDiagnosticsOptions());

// The theme is global to Monaco, so one page-lifetime watcher is enough.
for (const [name, data] of Object.entries(INSPECTOR_THEMES)) monaco.editor.defineTheme(name, data);
followSystemTheme((theme) => {
  monaco.editor.setTheme(theme);
});

/** The configured Monaco API. Import it from here, never from `monaco-editor` directly. */
export { monaco };

/** Owner under which the JSON service publishes model markers. */
export const JSON_MARKER_OWNER = 'json';
