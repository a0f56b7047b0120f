/**
 * The history's bounds as the user set them, remembered per account in localStorage (the key names
 * the user ID only). Unset or unreadable values fall back to the defaults (50 versions per entry,
 * 50 MB per account).
 */
import { DEFAULT_HISTORY_LIMITS, type HistoryLimits } from './history-store.ts';

export function historyLimitsKey(userId: string): string {
  return `account-data-inspector.history-limits.v1:${userId}`;
}

const isPositiveInteger = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/** The stored limits, each falling back to its default when missing or invalid. */
export function readHistoryLimits(userId: string): HistoryLimits {
  try {
    const raw = window.localStorage.getItem(historyLimitsKey(userId));
    const parsed: unknown = raw === null ? null : JSON.parse(raw);
    const stored = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return {
      maxVersionsPerEntry: isPositiveInteger(stored.maxVersionsPerEntry)
        ? stored.maxVersionsPerEntry
        : DEFAULT_HISTORY_LIMITS.maxVersionsPerEntry,
      maxBytesPerAccount: isPositiveInteger(stored.maxBytesPerAccount)
        ? stored.maxBytesPerAccount
        : DEFAULT_HISTORY_LIMITS.maxBytesPerAccount,
    };
  } catch {
    return { ...DEFAULT_HISTORY_LIMITS };
  }
}

/** Stores the limits (best effort: blocked storage keeps them for this page only). */
export function saveHistoryLimits(userId: string, limits: HistoryLimits): void {
  try {
    window.localStorage.setItem(historyLimitsKey(userId), JSON.stringify(limits));
  } catch {
    // Storage blocked (privacy mode).
  }
}
