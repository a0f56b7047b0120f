/**
 * Props shared by the Monaco diff view and its plain fallback.
 */

/** Props of `DiffView`. */
export type DiffViewProps = {
  /** The text before the change: the server version when confirming a save or showing a conflict. */
  original: string;
  /** The text after the change: the user's draft. */
  modified: string;
  /** Accessible name of the whole diff, e.g. "Changes to m.direct". */
  ariaLabel: string;
  /** Visible label of the original side. Defaults to "Server version". */
  originalLabel?: string;
  /** Visible label of the modified side. Defaults to "Your draft". */
  modifiedLabel?: string;
  /** CSS height of the diff; Monaco needs a definite height. Defaults to `20rem`. */
  height?: string | number;
  className?: string;
};

/** Default label of the original side: in both uses (save confirmation, conflict) it is the server's. */
export const DEFAULT_ORIGINAL_LABEL = 'Server version';
/** Default label of the modified side: the user's unsaved text. */
export const DEFAULT_MODIFIED_LABEL = 'Your draft';
/** Default height; enough for a typical change with context, small enough for a dialog. */
export const DEFAULT_DIFF_HEIGHT = '20rem';
