import type { ReactNode } from 'react';

export type StatusTone = 'neutral' | 'info' | 'success' | 'warning' | 'critical';

export type StatusPillProps = {
  tone: StatusTone;
  children: ReactNode;
  /** Announce changes politely (`role="status"`). Use it for one pill per page, like the sync status. */
  isLive?: boolean;
  /** Pulse the dot while something is in progress (still under `prefers-reduced-motion`). */
  isPending?: boolean;
  title?: string;
  /** Accessible name, e.g. "Sync status". */
  label?: string;
};

/** A compact status with a coloured dot, e.g. "Live", "Reconnecting in 8 s". */
export function StatusPill({
  tone,
  children,
  isLive = false,
  isPending = false,
  title,
  label,
}: StatusPillProps) {
  return (
    <span
      className={`status-pill status-pill--${tone}${isPending ? ' status-pill--pending' : ''}`}
      role={isLive ? 'status' : undefined}
      aria-label={label}
      title={title}
    >
      <span className="status-pill__dot" aria-hidden="true" />
      <span className="status-pill__text">{children}</span>
    </span>
  );
}
