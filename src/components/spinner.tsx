import type { ReactNode } from 'react';

export type SpinnerProps = { size?: 'sm' | 'md' | 'lg' };

/** A purely visual spinner; pair it with text ("Saving…") or use `LoadingState`. */
export function Spinner({ size = 'md' }: SpinnerProps) {
  return <span className={`spinner spinner--${size}`} aria-hidden="true" />;
}

export type LoadingStateProps = {
  isLoading: boolean;
  /** Announced and shown beside the spinner, e.g. "Loading account data…". */
  label: string;
  /** The content being loaded. Rendered even while loading, so stale content can stay visible. */
  children?: ReactNode;
};

/**
 * A region that is `aria-busy` while it loads, with a polite status message beside it. The status
 * sits outside the busy region: assistive technology may hold back changes inside a busy element,
 * and the message should be heard at once.
 */
export function LoadingState({ isLoading, label, children }: LoadingStateProps) {
  return (
    <div className="loading-state">
      {isLoading ? (
        <p className="loading-state__status" role="status">
          <Spinner /> {label}
        </p>
      ) : null}
      <div className="loading-state__content" aria-busy={isLoading}>
        {children}
      </div>
    </div>
  );
}
