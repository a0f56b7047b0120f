/**
 * The key-backup preference (MSC4287, spec v1.19 `m.key_backup`; docs/protocol.md §6) as rules a
 * person can check: what the stored values say, what each kind of client reads from them, what a
 * new sign-in will do, and which mismatches with the real server-side backup matter.
 *
 * - The **preference** comes from `m.key_backup` alone, by the MSC's rules: `{"enabled": true}` →
 *   On, `{"enabled": false}` → Off, missing → Not set, present but `enabled` missing or not a boolean
 *   → Invalid (clients must ignore it and decide for themselves).
 * - The **unstable key** `m.org.matrix.custom.backup_disabled` has the opposite sense:
 *   `{"disabled": true}` means Off. Element Web still reads it when `m.key_backup` is missing or
 *   invalid, and matrix-rust-sdk clients (Element X) write it when recovery is turned off.
 * - Writing the preference never creates or deletes a backup; only the `room_keys` API does.
 */
import { BACKUP_DISABLED, M_KEY_BACKUP, M_MEGOLM_BACKUP_V1 } from './known-types.ts';
import type { JsonObject } from './types.ts';

/** The stable type (spec v1.19), as catalogued in `known-types.ts`. */
export const KEY_BACKUP_TYPE = M_KEY_BACKUP;
/** The older unstable type, with the opposite sense. */
export const BACKUP_DISABLED_TYPE = BACKUP_DISABLED;
/** The secret-storage secret holding the backup's decryption key. */
export const MEGOLM_BACKUP_SECRET_TYPE = M_MEGOLM_BACKUP_V1;

/** One stored value, read. */
export type PreferenceValue = 'on' | 'off' | 'not-set' | 'invalid';

/** What the server says about its backup (`GET /v3/room_keys/version`). */
export type ServerBackup =
  | { state: 'unknown' }
  | { state: 'none' }
  | { state: 'present'; version: string; algorithm: string; count: number; etag: string };

/** One thing worth the user's attention. */
export type PreferenceWarning = {
  kind: 'disagreement' | 'off-but-backup-exists' | 'on-but-no-backup' | 'key-not-in-secret-storage';
  message: string;
};

/** Everything the panel and the CLI show. */
export type KeyBackupPreferenceReport = {
  /** From `m.key_backup` by the MSC's rules. */
  preference: PreferenceValue;
  /** The unstable key, with its sense reversed (`disabled: true` → `off`). */
  unstable: PreferenceValue;
  /** What Element Web concludes: `m.key_backup` when valid, else the unstable key. */
  elementWeb: Exclude<PreferenceValue, 'invalid'>;
  /** Whether `m.megolm_backup.v1` is stored in secret storage (undefined: not known). */
  isKeyInSecretStorage: boolean | undefined;
  backup: ServerBackup;
  /** What a new sign-in will do, in one sentence. */
  newSignIn: string;
  warnings: PreferenceWarning[];
};

/** The inputs: the global account data (content by type; `undefined`/`null` = absent or deleted). */
export type PreferenceInputs = {
  keyBackup: JsonObject | null | undefined;
  backupDisabled: JsonObject | null | undefined;
  megolmBackupSecret: JsonObject | null | undefined;
  backup: ServerBackup;
};

const isPresent = (content: JsonObject | null | undefined): content is JsonObject =>
  content !== null && content !== undefined && Object.keys(content).length > 0;

/** `m.key_backup` by MSC4287: only a boolean `enabled` counts. */
export function readKeyBackup(content: JsonObject | null | undefined): PreferenceValue {
  if (!isPresent(content)) return 'not-set';
  const enabled = content.enabled;
  if (typeof enabled !== 'boolean') return 'invalid';
  return enabled ? 'on' : 'off';
}

/** The unstable key, reversed: `{"disabled": true}` is Off. */
export function readBackupDisabled(content: JsonObject | null | undefined): PreferenceValue {
  if (!isPresent(content)) return 'not-set';
  const disabled = content.disabled;
  if (typeof disabled !== 'boolean') return 'invalid';
  return disabled ? 'off' : 'on';
}

/** One word for a value, as the panel shows it. */
export function preferenceLabel(value: PreferenceValue): 'On' | 'Off' | 'Not set' | 'Invalid' {
  switch (value) {
    case 'on':
      return 'On';
    case 'off':
      return 'Off';
    case 'not-set':
      return 'Not set';
    case 'invalid':
      return 'Invalid';
  }
}

/** The contents to write for a choice: the stable key and, optionally, the unstable one reversed. */
export function preferenceWrites(
  isEnabled: boolean,
  alsoUnstable: boolean,
): { type: string; content: JsonObject }[] {
  const writes: { type: string; content: JsonObject }[] = [
    { type: KEY_BACKUP_TYPE, content: { enabled: isEnabled } },
  ];
  if (alsoUnstable) writes.push({ type: BACKUP_DISABLED_TYPE, content: { disabled: !isEnabled } });
  return writes;
}

function describeNewSignIn(
  preference: PreferenceValue,
  elementWeb: PreferenceValue,
  backup: ServerBackup,
): string {
  const existing =
    backup.state === 'present'
      ? `connect to the existing backup (version ${backup.version}, ${backup.count} keys)`
      : backup.state === 'none'
        ? 'set up a new backup, since the server has none'
        : 'use the server’s backup';
  switch (preference) {
    case 'on':
      return `A new sign-in will turn key backup on and ${existing}.`;
    case 'off':
      return 'A new sign-in will leave key backup off and should not ask you to turn it on.';
    case 'not-set':
    case 'invalid': {
      const why =
        preference === 'invalid' ? 'm.key_backup is invalid, so clients ignore it' : 'Nothing is set';
      if (elementWeb === 'not-set') return `${why}: each new sign-in decides for itself (most ask you).`;
      return `${why}: Element Web will follow the old key and turn backup ${elementWeb}; other clients decide for themselves.`;
    }
  }
}

/** Applies the rules to the current state. */
export function keyBackupPreference(inputs: PreferenceInputs): KeyBackupPreferenceReport {
  const preference = readKeyBackup(inputs.keyBackup);
  const unstable = readBackupDisabled(inputs.backupDisabled);
  const elementWeb: Exclude<PreferenceValue, 'invalid'> =
    preference === 'on' || preference === 'off'
      ? preference
      : unstable === 'on' || unstable === 'off'
        ? unstable
        : 'not-set';
  const isKeyInSecretStorage =
    inputs.megolmBackupSecret === undefined ? undefined : isPresent(inputs.megolmBackupSecret);
  const { backup } = inputs;
  const warnings: PreferenceWarning[] = [];

  const stableSet = preference === 'on' || preference === 'off';
  const unstableSet = unstable === 'on' || unstable === 'off';
  if (stableSet && unstableSet && preference !== unstable) {
    warnings.push({
      kind: 'disagreement',
      message: `m.key_backup says ${preferenceLabel(preference)} but the old key says ${preferenceLabel(unstable)}. Clients that follow the spec (and Element Web) use m.key_backup; clients built on matrix-rust-sdk before MSC4287 (older Element X) use the old key, so they will behave differently.`,
    });
  } else if (!stableSet && unstableSet) {
    warnings.push({
      kind: 'disagreement',
      message: `Only the old key is set (${preferenceLabel(unstable)}). Element Web follows it; clients that read only m.key_backup see no preference.`,
    });
  }
  const effective = stableSet ? preference : elementWeb;
  if (effective === 'off' && backup.state === 'present') {
    warnings.push({
      kind: 'off-but-backup-exists',
      message: `The preference is Off, but the server still has a backup (version ${backup.version}, ${backup.count} keys). New sign-ins will not use it; it is not deleted.`,
    });
  }
  if (effective === 'on' && backup.state === 'none') {
    warnings.push({
      kind: 'on-but-no-backup',
      message:
        'The preference is On, but the server has no backup: the next client to sign in has to create one.',
    });
  }
  if (backup.state === 'present' && isKeyInSecretStorage === false) {
    warnings.push({
      kind: 'key-not-in-secret-storage',
      message: `A backup exists, but its key (${MEGOLM_BACKUP_SECRET_TYPE}) is not in secret storage: a new sign-in cannot read the backup without your recovery key or another device.`,
    });
  }

  return {
    preference,
    unstable,
    elementWeb,
    isKeyInSecretStorage,
    backup,
    newSignIn: describeNewSignIn(preference, elementWeb, backup),
    warnings,
  };
}
