/**
 * The history's bounds: what they are, their defaults (50 versions per entry, 50 MB per account,
 * issue #8), their validation, and the user's choice remembered per account in localStorage (the
 * key names the user ID only). Unset or unreadable stored values fall back to the defaults.
 */

/** How much history an account keeps. */
export type HistoryLimits = {
  /** Versions kept per entry; older ones are dropped first. */
  maxVersionsPerEntry: number;
  /** Content bytes (UTF-8 compact JSON) kept per account; the account's oldest versions go first. */
  maxBytesPerAccount: number;
};

/** 50 versions per entry, 50 MB per account (issue #8). */
export const DEFAULT_HISTORY_LIMITS: Readonly<HistoryLimits> = Object.freeze({
  maxVersionsPerEntry: 50,
  maxBytesPerAccount: 50 * 1024 * 1024,
});

/** The limits if they are valid; a `RangeError` naming the bad one otherwise. */
export function checkedLimits(limits: HistoryLimits): HistoryLimits {
  const { maxVersionsPerEntry, maxBytesPerAccount } = limits;
  if (!Number.isSafeInteger(maxVersionsPerEntry) || maxVersionsPerEntry < 1) {
    throw new RangeError(
      `maxVersionsPerEntry must be a whole number ≥ 1, not ${String(maxVersionsPerEntry)}`,
    );
  }
  if (!Number.isFinite(maxBytesPerAccount) || maxBytesPerAccount < 0) {
    throw new RangeError(`maxBytesPerAccount must be a number ≥ 0, not ${String(maxBytesPerAccount)}`);
  }
  return { maxVersionsPerEntry, maxBytesPerAccount };
}

/** The localStorage key of one account's limits. */
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
