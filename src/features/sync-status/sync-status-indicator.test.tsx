// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../matrix/types.ts';
import { SyncStatusIndicator } from './sync-status.tsx';
import { syncStatusStore } from './sync-status-store.ts';

const theme = readFileSync(join(process.cwd(), 'src/components/theme.css'), 'utf8');
const defined = (className: string) => new RegExp(`\\.${className}\\b`).test(theme);

const states: SyncStatus[] = [
  { state: 'stopped' },
  { state: 'connecting' },
  { state: 'loading', roomsLoaded: 1, roomsTotal: 2 },
  { state: 'live' },
  { state: 'backing-off', retryAt: Date.now() + 5_000, attempt: 1, reason: 'network error' },
  { state: 'offline', reason: 'no network' },
  { state: 'expired', softLogout: true },
];

describe('SyncStatusIndicator (issue #7: the header status pill uses StatusPill, never an undefined class)', () => {
  it('renders every state as a named live status whose classes the theme defines', () => {
    render(<SyncStatusIndicator />);
    for (const status of states) {
      act(() => {
        syncStatusStore.getState().actions.statusChanged(status);
      });
      const pill = screen.getByRole('status', { name: 'Sync status' });
      const classes = pill.className.split(/\s+/).filter(Boolean);
      expect(classes).toContain('status-pill');
      for (const c of classes)
        expect(defined(c), `${status.state}: .${c} is defined in theme.css`).toBe(true);
    }
  });
});

describe('SyncStatusIndicator: the admin fast path (issue #13)', () => {
  it('says the tree was preloaded by the admin API while sync loads, and not once live', () => {
    const { container } = render(<SyncStatusIndicator />);
    act(() => {
      syncStatusStore.getState().actions.statusChanged({ state: 'loading', roomsLoaded: 1, roomsTotal: 20 });
      syncStatusStore.getState().actions.preloaded({ source: 'admin-api', entries: 3, rooms: 2, at: 0 });
    });
    const pill = within(container).getByRole('status', { name: 'Sync status' });
    expect(pill.textContent).toBe('Loading rooms 1 of 20… · preloaded by the admin API');
    expect(pill.getAttribute('title')).toContain('preloaded by the admin API');
    act(() => {
      syncStatusStore.getState().actions.statusChanged({ state: 'live' });
    });
    expect(pill.textContent).toMatch(/^Live$/);
    act(() => {
      syncStatusStore.getState().actions.preloaded(null);
    });
  });
});

describe('SyncStatusIndicator: one long request for every room (issue #13, ADR 014)', () => {
  it('keeps counting the seconds of the request in flight, then says Live', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const { container } = render(<SyncStatusIndicator />);
      act(() => {
        syncStatusStore.getState().actions.statusChanged({
          state: 'loading',
          roomsLoaded: 1,
          roomsTotal: 10_000,
          requesting: 10_000,
          since: Date.now(),
        });
      });
      const pill = within(container).getByRole('status', { name: 'Sync status' });
      expect(pill.textContent).toBe('Loading rooms 1 of 10,000…');
      act(() => {
        vi.advanceTimersByTime(3_000);
      });
      expect(pill.textContent).toBe('Loading rooms 1 of 10,000… 9,999 more in this request, 3s');
      act(() => {
        vi.advanceTimersByTime(10_000);
      });
      expect(pill.textContent).toBe('Loading rooms 1 of 10,000… 9,999 more in this request, 13s');
      act(() => {
        syncStatusStore.getState().actions.statusChanged({ state: 'live' });
      });
      expect(pill.textContent).toBe('Live');
    } finally {
      vi.useRealTimers();
    }
  });
});
