/**
 * Monaco theme selection from the system's colour preferences.
 *
 * Monaco's theme is global to the page and is not CSS, so it cannot follow `prefers-color-scheme` by
 * itself; we watch the media queries and call `setTheme` whenever the system changes. Kept free of
 * Monaco so it can be tested with a fake `matchMedia`.
 */

/** The inspector's light and dark themes (below) and Monaco's built-in high-contrast ones. */
export type MonacoThemeName = 'inspector-light' | 'inspector-dark' | 'hc-black' | 'hc-light';

/** The shape of `monaco.editor.IStandaloneThemeData`, restated so this module needs no Monaco. */
export type ThemeData = {
  base: 'vs' | 'vs-dark';
  inherit: true;
  rules: { token: string; foreground: string }[];
  colors: Record<string, string>;
};

/**
 * Monaco's `vs` and `vs-dark` with lighter diff backgrounds and two token colours, so that every JSON
 * token keeps 4.5:1 contrast on an inserted or removed line (WCAG 1.4.3). Monaco's own diff colours
 * took a string in `vs-dark` to 2.84:1 on an inserted change (found by axe,
 * e2e/accessibility.spec.ts) and, by the same arithmetic, a number in `vs` to 2.41:1 on a removed one.
 * Backgrounds stay translucent, as Monaco requires, so that other decorations show through. Worst
 * cases with these values: light 4.72:1 (a number on a removed change), dark 4.72:1 (a string on an
 * inserted change).
 */
export const INSPECTOR_THEMES: Record<'inspector-light' | 'inspector-dark', ThemeData> = {
  'inspector-light': {
    base: 'vs',
    inherit: true,
    // `vs` numbers (#098658) reach only 4.6:1 on white.
    rules: [{ token: 'number', foreground: '07704A' }],
    colors: {
      'diffEditor.insertedLineBackground': '#9bb9551f',
      'diffEditor.insertedTextBackground': '#9ccc2c1f',
      'diffEditor.removedLineBackground': '#ff000014',
      'diffEditor.removedTextBackground': '#ff000014',
    },
  },
  'inspector-dark': {
    base: 'vs-dark',
    inherit: true,
    // `vs-dark` keywords (true, false, null: #569cd6) reach only 5.65:1 even on the plain background:
    // too little headroom for a tinted diff line.
    rules: [{ token: 'keyword', foreground: '6CACDF' }],
    colors: {
      'diffEditor.insertedLineBackground': '#9bb9551a',
      'diffEditor.insertedTextBackground': '#9ccc2c0d',
      'diffEditor.removedLineBackground': '#ff00001f',
      'diffEditor.removedTextBackground': '#ff000014',
    },
  },
};

/** The system preferences that decide the theme. */
export type ColorPreferences = { prefersDark: boolean; forcedColors: boolean };

/**
 * Picks the theme: light/dark from `prefers-color-scheme`, and Monaco's high-contrast themes when the
 * OS forces colours (Windows high contrast), where the normal themes' low-contrast squiggles and
 * selection colours would be unreadable.
 */
export function monacoThemeFor({ prefersDark, forcedColors }: ColorPreferences): MonacoThemeName {
  if (forcedColors) return prefersDark ? 'hc-black' : 'hc-light';
  return prefersDark ? 'inspector-dark' : 'inspector-light';
}

/** The part of `window` the watcher needs. */
export type MediaQuerySource = { matchMedia(query: string): MediaQueryList };

/**
 * Calls `apply` with the current theme now and again on every system change. Returns a function that
 * stops watching. Without `matchMedia` (old or non-browser environments) it applies the light theme once.
 * The inspector's themes must be defined first (`INSPECTOR_THEMES`, done by `monaco-setup.ts`).
 */
export function followSystemTheme(
  apply: (theme: MonacoThemeName) => void,
  source: MediaQuerySource | undefined = typeof window === 'undefined' ? undefined : window,
): () => void {
  if (typeof source?.matchMedia !== 'function') {
    apply('inspector-light');
    return () => undefined;
  }
  const dark = source.matchMedia('(prefers-color-scheme: dark)');
  const forced = source.matchMedia('(forced-colors: active)');
  const update = () => {
    apply(monacoThemeFor({ prefersDark: dark.matches, forcedColors: forced.matches }));
  };
  update();
  dark.addEventListener('change', update);
  forced.addEventListener('change', update);
  return () => {
    dark.removeEventListener('change', update);
    forced.removeEventListener('change', update);
  };
}
