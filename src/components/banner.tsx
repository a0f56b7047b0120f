import CloseIcon from '@vector-im/compound-design-tokens/assets/web/icons/close';
import type { ReactNode } from 'react';

export type BannerTone = 'info' | 'success' | 'warning' | 'critical';

export type BannerProps = {
  tone: BannerTone;
  title?: ReactNode;
  children?: ReactNode;
  /** Buttons, e.g. "Show diff" / "Discard draft". */
  actions?: ReactNode;
  /** Shows a close button. */
  onDismiss?: () => void;
  /**
   * Announce when it appears: critical banners as `alert`, others as `status`. Turn off for a
   * banner that is present from the start and merely describes the page.
   */
  isAnnounced?: boolean;
};

/** An inline message across a pane: info, success, warning or critical. */
export function Banner({ tone, title, children, actions, onDismiss, isAnnounced = true }: BannerProps) {
  const role = isAnnounced ? (tone === 'critical' ? 'alert' : 'status') : undefined;
  return (
    <div className={`banner banner--${tone}`} role={role}>
      <div className="banner__text">
        {title == null ? null : <p className="banner__title">{title}</p>}
        {children == null ? null : <div className="banner__body">{children}</div>}
      </div>
      {actions == null ? null : <div className="banner__actions">{actions}</div>}
      {onDismiss ? (
        <button type="button" className="button button--icon" aria-label="Dismiss" onClick={onDismiss}>
          <CloseIcon aria-hidden="true" />
        </button>
      ) : null}
    </div>
  );
}
