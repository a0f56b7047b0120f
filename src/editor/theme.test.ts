import { describe, expect, it, vi } from 'vitest';
import { followSystemTheme, monacoThemeFor, type MediaQuerySource } from './theme';

describe('monacoThemeFor', () => {
  it('maps colour scheme to the inspector’s themes and forced colours to Monaco’s high-contrast ones', () => {
    expect(monacoThemeFor({ prefersDark: false, forcedColors: false })).toBe('inspector-light');
    expect(monacoThemeFor({ prefersDark: true, forcedColors: false })).toBe('inspector-dark');
    expect(monacoThemeFor({ prefersDark: true, forcedColors: true })).toBe('hc-black');
    expect(monacoThemeFor({ prefersDark: false, forcedColors: true })).toBe('hc-light');
  });
});

describe('followSystemTheme', () => {
  function fakeMedia() {
    const queries = new Map<string, { matches: boolean; listeners: Set<() => void> }>();
    const source: MediaQuerySource = {
      matchMedia(query) {
        const state = queries.get(query) ?? { matches: false, listeners: new Set() };
        queries.set(query, state);
        return {
          get matches() {
            return state.matches;
          },
          addEventListener: (_: string, listener: () => void) => state.listeners.add(listener),
          removeEventListener: (_: string, listener: () => void) => state.listeners.delete(listener),
        } as unknown as MediaQueryList;
      },
    };
    const set = (query: string, matches: boolean) => {
      const state = queries.get(query);
      if (!state) throw new Error(`nobody watches ${query}`);
      state.matches = matches;
      for (const listener of state.listeners) listener();
    };
    return { source, set, queries };
  }

  it('applies now and on every change until stopped', () => {
    const media = fakeMedia();
    const apply = vi.fn();
    const stop = followSystemTheme(apply, media.source);
    expect(apply.mock.calls).toEqual([['inspector-light']]);
    media.set('(prefers-color-scheme: dark)', true);
    media.set('(forced-colors: active)', true);
    expect(apply.mock.calls).toEqual([['inspector-light'], ['inspector-dark'], ['hc-black']]);
    stop();
    media.set('(prefers-color-scheme: dark)', false);
    expect(apply).toHaveBeenCalledTimes(3);
    expect([...media.queries.values()].every((q) => q.listeners.size === 0)).toBe(true);
  });

  it('falls back to the light theme without matchMedia', () => {
    const apply = vi.fn();
    followSystemTheme(apply, undefined);
    expect(apply).toHaveBeenCalledWith('inspector-light');
  });
});
