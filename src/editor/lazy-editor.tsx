/**
 * Lazy loading with a safety net, shared by the JSON editor and the diff view.
 *
 * Monaco is ~3 MB and must stay out of the entry chunk (docs/architecture.md "Editor": Monaco only through `React.lazy`). A
 * lazy chunk can fail to load (a deploy replaced the hashed file, the network dropped) and Monaco can
 * throw while mounting; in both cases the user still needs a working editor, so both roads lead to a
 * plain implementation with the same props.
 */
import { Component, lazy, Suspense, type ComponentType, type ErrorInfo, type ReactNode } from 'react';

/** A module whose default export is a component, as `import()` of a lazy chunk returns it. */
export type ComponentModule<P> = { default: ComponentType<P> };

/**
 * Builds a component that renders `load()`'s default export once loaded, `placeholder` meanwhile, and
 * `Fallback` if loading or rendering fails. `load` is only called on first render (or by preloading).
 */
export function lazyWithFallback<P extends object>(
  load: () => Promise<ComponentModule<P>>,
  Fallback: ComponentType<P>,
  placeholder: (props: P) => ReactNode,
): ComponentType<P> {
  const Lazy = lazy(() =>
    load().catch((error: unknown) => {
      console.warn('Monaco failed to load; using the plain fallback editor.', error);
      return { default: Fallback };
    }),
  );
  function LazyWithFallback(props: P) {
    return (
      <FallbackBoundary fallback={<Fallback {...props} />}>
        <Suspense fallback={placeholder(props)}>
          <Lazy {...props} />
        </Suspense>
      </FallbackBoundary>
    );
  }
  return LazyWithFallback;
}

type BoundaryProps = { fallback: ReactNode; children: ReactNode };

/** Renders `fallback` once a child throws; resets never (a crashed Monaco is not retried). */
class FallbackBoundary extends Component<BoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('The Monaco editor crashed; using the plain fallback editor.', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
