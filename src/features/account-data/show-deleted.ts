/**
 * The tree's "Show deleted" switch, remembered per account in localStorage. The key names the user
 * ID only (never a token); anything unreadable counts as the default, on.
 */
import { useCallback, useState } from 'react';

/** The localStorage key of one account's setting. */
export function showDeletedKey(userId: string): string {
  return `account-data-inspector.show-deleted.v1:${userId}`;
}

/** The stored setting; true (show tombstones) unless the user turned it off. */
export function readShowDeleted(userId: string): boolean {
  try {
    return window.localStorage.getItem(showDeletedKey(userId)) !== 'false';
  } catch {
    return true; // storage blocked (privacy mode): fall back to the default
  }
}

/** The setting and its change handler; the change is stored at once. */
export function useShowDeleted(userId: string): [boolean, (isShown: boolean) => void] {
  const [isShown, setIsShown] = useState(() => readShowDeleted(userId));
  const change = useCallback(
    (next: boolean) => {
      setIsShown(next);
      try {
        window.localStorage.setItem(showDeletedKey(userId), String(next));
      } catch {
        // Not remembered when storage is blocked; the switch still works for this page.
      }
    },
    [userId],
  );
  return [isShown, change];
}
