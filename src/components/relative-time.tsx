import { formatExactTime, formatRelativeTime } from '../lib/format.ts';
import { useNow } from './use-now.ts';

export type RelativeTimeProps = {
  /** Epoch ms. */
  ts: number;
  /** How often to refresh the wording. Default one minute. */
  updateIntervalMs?: number;
  className?: string;
};

/** "3 minutes ago", with the exact local time as a tooltip and a machine-readable `dateTime`. */
export function RelativeTime({ ts, updateIntervalMs = 60_000, className }: RelativeTimeProps) {
  const now = useNow(updateIntervalMs);
  if (!Number.isFinite(ts)) return null;
  return (
    <time className={className} dateTime={new Date(ts).toISOString()} title={formatExactTime(ts)}>
      {formatRelativeTime(ts, now)}
    </time>
  );
}
