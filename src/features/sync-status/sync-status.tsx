/**
 * The status line: "Live" while subscribed, otherwise what is happening (connecting, loading rooms
 * N of M, reconnecting in Ns, offline, expired). A `role="status"` live region, so screen readers
 * hear changes without losing focus.
 */
import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../matrix/types.ts';
import { StatusPill, type StatusTone } from '../../components/status-pill.tsx';
import { useSyncStatus } from './sync-status-store.ts';

/** Each state maps to a tone the theme defines (never a class built from the state's name). */
const TONE: Record<SyncStatus['state'], { tone: StatusTone; isPending: boolean }> = {
  stopped: { tone: 'neutral', isPending: false },
  connecting: { tone: 'info', isPending: true },
  loading: { tone: 'info', isPending: true },
  live: { tone: 'success', isPending: false },
  'backing-off': { tone: 'warning', isPending: true },
  offline: { tone: 'warning', isPending: false },
  expired: { tone: 'critical', isPending: false },
};

/** Said while sync loads after the admin fast path filled the tree (ADR 013). */
export const PRELOAD_HINT = 'preloaded by the admin API';
const PRELOAD_TITLE =
  'account data was preloaded by the admin API (a snapshot; sync replaces it as it arrives)';

/** After this long, a loading request's status says what it is waiting for and for how long. */
export const LONG_WAIT_MS = 2_000;

const count = (n: number) => n.toLocaleString('en');

/** Human text for a status; `now` is injectable for tests. */
export function describeSyncStatus(status: SyncStatus, now: number): string {
  switch (status.state) {
    case 'stopped':
      return 'Not connected';
    case 'connecting':
      return 'Connecting…';
    case 'loading': {
      const base = `Loading rooms ${count(status.roomsLoaded)} of ${count(status.roomsTotal)}…`;
      const { requesting, since } = status;
      if (requesting === undefined || since === undefined || now - since < LONG_WAIT_MS) return base;
      // One request brings the rest at once (ADR 014): say so, with the time it has taken.
      const more = Math.max(0, requesting - status.roomsLoaded);
      return `${base} ${count(more)} more in this request, ${Math.floor((now - since) / 1000)}s`;
    }
    case 'live':
      return 'Live';
    case 'backing-off': {
      const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      return `Reconnecting in ${seconds}s (${status.reason})`;
    }
    case 'offline':
      return `Offline — ${status.reason}`;
    case 'expired':
      return 'Session expired';
  }
}

export function SyncStatusIndicator() {
  const status = useSyncStatus((s) => s.status);
  const transport = useSyncStatus((s) => s.transport);
  const preload = useSyncStatus((s) => s.preload);
  const [now, setNow] = useState(() => Date.now());
  // The clock ticks while a retry counts down or a loading request's wait is shown.
  const isCountingDown =
    status.state === 'backing-off' || (status.state === 'loading' && status.since !== undefined);

  useEffect(() => {
    if (!isCountingDown) return;
    const tick = () => {
      setNow(Date.now());
    };
    tick();
    const id = window.setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      window.clearInterval(id);
    };
  }, [isCountingDown]);

  const { tone, isPending } = TONE[status.state];
  return (
    <StatusPill
      tone={tone}
      isPending={isPending}
      isLive
      label="Sync status"
      title={`${transport === 'v3' ? 'Using /v3/sync (this server has no sliding sync)' : 'Using sliding sync'}${
        preload ? `; ${PRELOAD_TITLE}` : ''
      }`}
    >
      {describeSyncStatus(status, now)}
      {preload && status.state !== 'live' ? ` · ${PRELOAD_HINT}` : null}
    </StatusPill>
  );
}
