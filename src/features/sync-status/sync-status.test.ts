import { describe, expect, it } from 'vitest';
import { describeSyncStatus } from './sync-status.tsx';

describe('describeSyncStatus', () => {
  it('says Live while subscribed', () => {
    expect(describeSyncStatus({ state: 'live' }, 0)).toBe('Live');
  });
  it('counts rooms while loading', () => {
    expect(describeSyncStatus({ state: 'loading', roomsLoaded: 500, roomsTotal: 10000 }, 0)).toBe(
      'Loading rooms 500 of 10,000…',
    );
  });
  it('says what a long request is bringing and for how long it has run', () => {
    const s = {
      state: 'loading',
      roomsLoaded: 1,
      roomsTotal: 2000,
      requesting: 2000,
      since: 10_000,
    } as const;
    expect(describeSyncStatus(s, 11_999)).toBe('Loading rooms 1 of 2,000…');
    expect(describeSyncStatus(s, 12_000)).toBe('Loading rooms 1 of 2,000… 1,999 more in this request, 2s');
    expect(describeSyncStatus(s, 17_900)).toBe('Loading rooms 1 of 2,000… 1,999 more in this request, 7s');
  });
  it('counts down to the next retry, rounding up and never below zero', () => {
    const s = { state: 'backing-off', retryAt: 10_500, attempt: 2, reason: 'network error' } as const;
    expect(describeSyncStatus(s, 8_000)).toBe('Reconnecting in 3s (network error)');
    expect(describeSyncStatus(s, 20_000)).toBe('Reconnecting in 0s (network error)');
  });
  it('explains offline and expired', () => {
    expect(describeSyncStatus({ state: 'offline', reason: 'no network' }, 0)).toBe('Offline — no network');
    expect(describeSyncStatus({ state: 'expired', softLogout: false }, 0)).toBe('Session expired');
  });
});
