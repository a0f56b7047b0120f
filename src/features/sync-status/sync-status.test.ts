import { describe, expect, it } from 'vitest';
import { describeSyncStatus } from './sync-status.tsx';

describe('describeSyncStatus', () => {
  it('says Live while subscribed', () => {
    expect(describeSyncStatus({ state: 'live' }, 0)).toBe('Live');
  });
  it('counts rooms while loading', () => {
    expect(describeSyncStatus({ state: 'loading', roomsLoaded: 500, roomsTotal: 10000 }, 0)).toBe(
      'Loading rooms 500 of 10000…',
    );
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
