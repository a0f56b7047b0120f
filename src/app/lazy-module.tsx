/**
 * Code loaded on demand, with a way to start the load early (ADR 015). The sign-in page must be
 * interactive with little JavaScript; the signed-in views (tree, editor panes, history, devices,
 * admin and appservice views) load when the person starts to sign in, so they are ready by the
 * time the server answers. A failed load (offline, a deployment replaced the chunks) says so and
 * offers to try again; nothing is lost, because nothing ran yet.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Banner } from '../components/banner.tsx';

export type LazyModule<T> = {
  /** Starts the load (once; again after a failure) and resolves to the module. */
  load: () => Promise<T>;
  /** The module when it has loaded, else undefined. */
  peek: () => T | undefined;
};

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let loading: Promise<T> | undefined;
  let loaded: T | undefined;
  return {
    load() {
      loading ??= importer().then(
        (module) => {
          loaded = module;
          return module;
        },
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
    peek: () => loaded,
  };
}

export type LazyViewProps<T> = {
  module: LazyModule<T>;
  /** Names what is loading, in the message shown if the load fails ("The inspector"). */
  what: string;
  children: (module: T) => ReactNode;
};

/** Renders `children(module)` once `module` has loaded; meanwhile a quiet busy placeholder. */
export function LazyView<T>({ module, what, children }: LazyViewProps<T>) {
  const [state, setState] = useState<{ module?: T; error?: Error }>(() => {
    const loaded = module.peek();
    return loaded === undefined ? {} : { module: loaded };
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (state.module !== undefined) return;
    let isCurrent = true;
    module.load().then(
      (loaded) => {
        if (isCurrent) setState({ module: loaded });
      },
      (error: unknown) => {
        if (isCurrent) setState({ error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [module, state.module, attempt]);

  if (state.module !== undefined) return children(state.module);
  if (state.error) {
    return (
      <Banner
        tone="critical"
        title={`${what} could not be loaded.`}
        actions={
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setState({});
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        }
      >
        Check the connection to this site. ({state.error.message})
      </Banner>
    );
  }
  return <p className="lazy-view__loading" aria-busy="true">{`Loading ${what.toLowerCase()}…`}</p>;
}

/**
 * Starts `load` at the person's first interaction with the page (a pointer press, a key, or a
 * field's value changing), so the code they will need next arrives while they type.
 */
export function usePreloadOnFirstInteraction(load: () => unknown, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const events = ['pointerdown', 'keydown', 'input'] as const;
    const start = () => {
      remove();
      void Promise.resolve()
        .then(load)
        .catch(() => undefined); // a failed preload is retried when the view needs the code
    };
    const remove = () => {
      for (const type of events) document.removeEventListener(type, start, true);
    };
    for (const type of events) document.addEventListener(type, start, true);
    return remove;
  }, [load, enabled]);
}
