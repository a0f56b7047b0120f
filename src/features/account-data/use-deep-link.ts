/**
 * Keeps the address bar's fragment and the inspector store in step (`deep-link.ts`): the store's
 * open view is written to the fragment with `history.replaceState` (no extra history entries, no
 * reload), and a fragment changed by the user (a pasted link) opens what it names. The first read
 * happens when the store is created (`createInspectorStore(parseDeepLink(location.hash))`).
 */
import { useEffect } from 'react';
import { formatDeepLink, parseDeepLink } from './deep-link.ts';
import { deepLinkOf, type InspectorState, type InspectorStore } from './inspector-store.tsx';

function currentHash(): string {
  return window.location.hash === '#' ? '' : window.location.hash;
}

export function useDeepLinkSync(store: InspectorStore): void {
  useEffect(() => {
    const write = (state: InspectorState) => {
      const hash = formatDeepLink(deepLinkOf(state));
      if (hash === currentHash()) return;
      const url = new URL(window.location.href);
      url.hash = hash;
      window.history.replaceState(window.history.state, '', url);
    };
    const onHashChange = () => {
      const hash = currentHash();
      if (hash === formatDeepLink(deepLinkOf(store.getState()))) return;
      store.getState().actions.deepLinkOpened(parseDeepLink(hash));
    };
    write(store.getState());
    const unsubscribe = store.subscribe(write);
    window.addEventListener('hashchange', onHashChange);
    return () => {
      unsubscribe();
      window.removeEventListener('hashchange', onHashChange);
    };
  }, [store]);
}
