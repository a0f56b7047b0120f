/**
 * Query keys and options for account data, from general to specific: user → scope → type.
 *
 * The scope-level queries (`global`, `rooms`) are caches that only the sync bridge fills
 * (`skipToken`: there is no REST endpoint that lists account data, PROTOCOL §2 "Listing everything");
 * they resolve when the first sync response lands. They are never stale, never refetched on focus
 * and never garbage-collected, because sync only resends a type when it changes.
 */
import { queryOptions, skipToken } from '@tanstack/react-query';
import type { AccountDataScope } from '../../matrix/types.ts';
import type { RoomsData, ScopeData } from './model.ts';

export const accountDataKeys = {
  all: (userId: string) => ['account-data', userId] as const,
  global: (userId: string) => [...accountDataKeys.all(userId), 'global'] as const,
  rooms: (userId: string) => [...accountDataKeys.all(userId), 'rooms'] as const,
  devices: (userId: string) => [...accountDataKeys.all(userId), 'devices'] as const,
  /** Identifies one entry for pending-write bookkeeping. */
  entry: (userId: string, scope: AccountDataScope, type: string) =>
    [...accountDataKeys.all(userId), scopeKey(scope), type] as const,
};

/** A stable string for a scope: `global`, `room:<id>` or `device:<id>`. */
export function scopeKey(scope: AccountDataScope): string {
  switch (scope.kind) {
    case 'global':
      return 'global';
    case 'room':
      return `room:${scope.roomId}`;
    case 'device':
      return `device:${scope.deviceId}`;
  }
}

/** Inverse of {@link scopeKey}. */
export function parseScopeKey(key: string): AccountDataScope {
  if (key === 'global') return { kind: 'global' };
  if (key.startsWith('room:')) return { kind: 'room', roomId: key.slice(5) };
  if (key.startsWith('device:')) return { kind: 'device', deviceId: key.slice(7) };
  throw new Error(`Unknown scope key: ${key}`);
}

const forever = { staleTime: Infinity, gcTime: Infinity, refetchOnWindowFocus: false } as const;

export const accountDataQueries = {
  global: (userId: string) =>
    queryOptions<ScopeData>({ queryKey: accountDataKeys.global(userId), queryFn: skipToken, ...forever }),
  rooms: (userId: string) =>
    queryOptions<RoomsData>({ queryKey: accountDataKeys.rooms(userId), queryFn: skipToken, ...forever }),
};
