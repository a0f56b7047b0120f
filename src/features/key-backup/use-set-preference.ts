/**
 * Writes the key-backup preference (MSC4287): `m.key_backup` and, when asked, the old unstable key
 * with the reversed sense, one PUT after another in the order `preferenceWrites` gives. Nothing is
 * written optimistically: the new values arrive by sync like any other client's change, so a failure
 * leaves the caches untouched and only the message says what happened.
 */
import { useMutation } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';
import { preferenceWrites } from '../../matrix/key-backup-preference.ts';

export type PreferenceChoice = { isEnabled: boolean; alsoUnstable: boolean };

/** A write that failed part-way: which types were already written before the failure. */
export class PreferenceWriteError extends Error {
  readonly written: readonly string[];
  readonly failedType: string;
  constructor(failedType: string, written: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const already =
      written.length === 0
        ? 'Nothing was changed.'
        : `${written.join(' and ')} ${written.length === 1 ? 'was' : 'were'} already written; the rest was not.`;
    super(`Could not write ${failedType}: ${reason}. ${already}`, { cause });
    this.name = 'PreferenceWriteError';
    this.written = written;
    this.failedType = failedType;
  }
}

export function useSetKeyBackupPreference(client: MatrixClient) {
  return useMutation<string[], PreferenceWriteError, PreferenceChoice>({
    mutationFn: async ({ isEnabled, alsoUnstable }) => {
      const written: string[] = [];
      for (const { type, content } of preferenceWrites(isEnabled, alsoUnstable)) {
        try {
          await client.setAccountData({ kind: 'global' }, type, content);
        } catch (error) {
          throw new PreferenceWriteError(type, written, error);
        }
        written.push(type);
      }
      return written;
    },
  });
}
