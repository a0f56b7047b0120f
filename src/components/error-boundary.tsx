/**
 * A feature-level error boundary (one per feature, not one for the app): a crash in one
 * pane shows what happened and a way to recover, while the rest of the app keeps working.
 * Error text never includes tokens: our errors are built without them (src/matrix/errors.ts).
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Banner } from './banner.tsx';

export type ErrorBoundaryProps = {
  /** Names the area in the message, e.g. "The account data view". */
  area: string;
  children: ReactNode;
  /** Changing this value resets the boundary (e.g. the selected entry). */
  resetKey?: unknown;
};

type State = { error: Error | null; resetKey: unknown };

export class ErrorBoundary extends Component<ErrorBoundaryProps, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.area} crashed`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Banner
        tone="critical"
        title={`${this.props.area} hit an unexpected error.`}
        actions={
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              this.setState({ error: null });
            }}
          >
            Try again
          </button>
        }
      >
        {error.message}
      </Banner>
    );
  }
}
