/**
 * Monaco theme selection from the system's colour preferences.
 *
 * Monaco's theme is global to the page and is not CSS, so it cannot follow `prefers-color-scheme` by
 * itself; we watch the media queries and call `setTheme` whenever the system changes. Kept free of
 * Monaco so it can be tested with a fake `matchMedia`.
 */

/** Monaco's built-in theme names. */
export type MonacoThemeName = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

/** The system preferences that decide the theme. */
export type ColorPreferences = { prefersDark: boolean; forcedColors: boolean };

/**
 * Picks the built-in theme: light/dark from `prefers-color-scheme`, and the high-contrast variants when
 * the OS forces colours (Windows high contrast), where the normal themes' low-contrast squiggles and
 * selection colours would be unreadable.
 */
export function monacoThemeFor({ prefersDark, forcedColors }: ColorPreferences): MonacoThemeName {
  if (forcedColors) return prefersDark ? 'hc-black' : 'hc-light';
  return prefersDark ? 'vs-dark' : 'vs';
}

/** The part of `window` the watcher needs. */
export type MediaQuerySource = { matchMedia(query: string): MediaQueryList };

/**
 * Calls `apply` with the current theme now and again on every system change. Returns a function that
 * stops watching. Without `matchMedia` (old or non-browser environments) it applies the light theme once.
 */
export function followSystemTheme(
  apply: (theme: MonacoThemeName) => void,
  source: MediaQuerySource | undefined = typeof window === 'undefined' ? undefined : window,
): () => void {
  if (typeof source?.matchMedia !== 'function') {
    apply('vs');
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
