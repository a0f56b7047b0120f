import { describe, expect, it } from 'vitest';
import {
  keyBackupPreference,
  preferenceLabel,
  preferenceWrites,
  readBackupDisabled,
  readKeyBackup,
  type PreferenceInputs,
  type ServerBackup,
} from './key-backup-preference.ts';

const none: ServerBackup = { state: 'none' };
const present: ServerBackup = {
  state: 'present',
  version: '3',
  algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
  count: 42,
  etag: '7',
};
const inputs = (over: Partial<PreferenceInputs>): PreferenceInputs => ({
  keyBackup: undefined,
  backupDisabled: undefined,
  megolmBackupSecret: undefined,
  backup: { state: 'unknown' },
  ...over,
});

describe('MSC4287 rules (issue #9)', () => {
  it.each([
    [undefined, 'not-set'],
    [null, 'not-set'],
    [{}, 'not-set'],
    [{ enabled: true }, 'on'],
    [{ enabled: false }, 'off'],
    [{ enabled: 'yes' }, 'invalid'],
    [{ enabled: 1 }, 'invalid'],
    [{ other: true }, 'invalid'],
  ] as const)('m.key_backup %j is %s', (content, expected) => {
    expect(readKeyBackup(content)).toBe(expected);
  });

  it.each([
    [undefined, 'not-set'],
    [{ disabled: true }, 'off'],
    [{ disabled: false }, 'on'],
    [{ disabled: 'true' }, 'invalid'],
  ] as const)('the unstable key %j is %s (reversed sense)', (content, expected) => {
    expect(readBackupDisabled(content)).toBe(expected);
  });

  it('labels values with one word', () => {
    expect(['on', 'off', 'not-set', 'invalid'].map((v) => preferenceLabel(v as 'on'))).toEqual([
      'On',
      'Off',
      'Not set',
      'Invalid',
    ]);
  });

  it('takes the preference from m.key_backup only; Element Web falls back to the old key', () => {
    const onlyOld = keyBackupPreference(inputs({ backupDisabled: { disabled: true } }));
    expect(onlyOld.preference).toBe('not-set');
    expect(onlyOld.elementWeb).toBe('off');
    expect(onlyOld.newSignIn).toMatch(/Element Web will follow the old key and turn backup off/);
    expect(onlyOld.warnings.map((w) => w.kind)).toEqual(['disagreement']);

    const invalid = keyBackupPreference(
      inputs({ keyBackup: { enabled: 'yes' }, backupDisabled: { disabled: false } }),
    );
    expect(invalid.preference).toBe('invalid');
    expect(invalid.elementWeb).toBe('on');
    expect(invalid.newSignIn).toMatch(/invalid, so clients ignore it/);
  });

  it('flags the two keys disagreeing, naming who reads which', () => {
    const report = keyBackupPreference(
      inputs({ keyBackup: { enabled: true }, backupDisabled: { disabled: true } }),
    );
    expect(report.preference).toBe('on');
    expect(report.unstable).toBe('off');
    expect(report.warnings[0]?.kind).toBe('disagreement');
    expect(report.warnings[0]?.message).toMatch(/Element Web.*m\.key_backup.*matrix-rust-sdk.*old key/);
    // Agreeing keys: no warning.
    expect(
      keyBackupPreference(inputs({ keyBackup: { enabled: true }, backupDisabled: { disabled: false } }))
        .warnings,
    ).toEqual([]);
  });

  it('says what a new sign-in will do', () => {
    expect(keyBackupPreference(inputs({ keyBackup: { enabled: true }, backup: present })).newSignIn).toBe(
      'A new sign-in will turn key backup on and connect to the existing backup (version 3, 42 keys).',
    );
    expect(keyBackupPreference(inputs({ keyBackup: { enabled: true }, backup: none })).newSignIn).toMatch(
      /set up a new backup/,
    );
    expect(keyBackupPreference(inputs({ keyBackup: { enabled: false } })).newSignIn).toMatch(
      /leave key backup off/,
    );
    expect(keyBackupPreference(inputs({})).newSignIn).toMatch(/each new sign-in decides for itself/);
  });

  it('warns about the mismatches users hit with the real backup', () => {
    const kinds = (over: Partial<PreferenceInputs>) =>
      keyBackupPreference(inputs(over)).warnings.map((w) => w.kind);
    expect(
      kinds({ keyBackup: { enabled: false }, backup: present, megolmBackupSecret: { encrypted: {} } }),
    ).toEqual(['off-but-backup-exists']);
    expect(kinds({ keyBackup: { enabled: true }, backup: none })).toEqual(['on-but-no-backup']);
    expect(kinds({ keyBackup: { enabled: true }, backup: present, megolmBackupSecret: null })).toEqual([
      'key-not-in-secret-storage',
    ]);
    expect(
      kinds({ keyBackup: { enabled: true }, backup: present, megolmBackupSecret: { encrypted: { K: {} } } }),
    ).toEqual([]);
    // Unknown server state or secret storage: no guesses.
    expect(kinds({ keyBackup: { enabled: true } })).toEqual([]);
  });

  it('writes the stable key, and optionally the old key with the opposite sense', () => {
    expect(preferenceWrites(false, true)).toEqual([
      { type: 'm.key_backup', content: { enabled: false } },
      { type: 'm.org.matrix.custom.backup_disabled', content: { disabled: true } },
    ]);
    expect(preferenceWrites(true, false)).toEqual([{ type: 'm.key_backup', content: { enabled: true } }]);
  });
});
