// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MatrixClient } from '../../matrix/client.ts';
import type { JsonObject } from '../../matrix/types.ts';
import { renderWithQueryClient } from '../../test/render.tsx';
import { setupMswHomeserver, type FakeHomeserver } from '../../test/msw-homeserver.ts';
import { KeyBackupPanel, type KeyBackupPanelProps } from './key-backup-panel.tsx';

afterEach(cleanup);

const homeserver = setupMswHomeserver();
const USER = '@alice:hs.test';
const BACKUP = {
  algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
  auth_data: { public_key: 'abc' },
  count: 42,
  etag: '7',
  version: '3',
};

type Contents = Partial<Pick<KeyBackupPanelProps, 'keyBackup' | 'backupDisabled' | 'megolmBackupSecret'>>;

function setup(hs: FakeHomeserver, contents: Contents = {}) {
  const client = new MatrixClient(hs.createSession(USER));
  const props = (c: Contents): KeyBackupPanelProps => ({
    client,
    isLoaded: true,
    keyBackup: null,
    backupDisabled: null,
    megolmBackupSecret: null,
    ...c,
  });
  const view = renderWithQueryClient(<KeyBackupPanel {...props(contents)} />);
  const rerender = (c: Contents) => {
    view.rerender(<KeyBackupPanel {...props(c)} />);
  };
  return { ...view, client, rerender };
}

const panel = () => screen.getByRole('region', { name: 'Key backup preference' });
const fact = (term: string) =>
  within(panel()).getByText(term, { selector: 'dt' }).nextElementSibling?.textContent ?? '';
const backupRequests = (hs: FakeHomeserver) =>
  hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/room_keys/version' }).length;

describe('KeyBackupPanel (#9, msw homeserver)', () => {
  it.each<[string, JsonObject | null, string]>([
    ['missing', null, 'Not set'],
    ['true', { enabled: true }, 'On'],
    ['false', { enabled: false }, 'Off'],
    ['invalid', { enabled: 'yes' }, 'Invalid'],
  ])('shows the preference when m.key_backup is %s', async (_name, keyBackup, word) => {
    const hs = homeserver();
    setup(hs, { keyBackup });
    expect(fact('Preference')).toMatch(new RegExp(`^${word} `));
    await waitFor(() => {
      expect(fact('Backup')).toBe('No backup on the server');
    });
  });

  it('explains the old key when only it is set, and says what Element does', async () => {
    const hs = homeserver();
    setup(hs, { backupDisabled: { disabled: true } });
    expect(fact('Preference')).toMatch(/^Not set/);
    expect(fact('Element')).toBe(
      'Element also reads the old key: it says Off, so Element Web turns backup off.',
    );
    expect(fact('Old key')).toContain('means Off');
    expect(within(panel()).getByText(/Only the old key is set \(Off\)/)).toBeTruthy();
    expect(screen.getByText(/Element Web will follow the old key and turn backup off/)).toBeTruthy();
    await waitFor(() => {
      expect(backupRequests(hs)).toBe(1);
    });
  });

  it('warns when the two keys disagree, naming which clients read which', () => {
    const hs = homeserver();
    setup(hs, { keyBackup: { enabled: true }, backupDisabled: { disabled: true } });
    expect(screen.queryByText('Element', { selector: 'dt' })).toBeNull();
    expect(screen.getByText('Clients disagree')).toBeTruthy();
    expect(screen.getByText(/m\.key_backup says On but the old key says Off.*matrix-rust-sdk/)).toBeTruthy();
  });

  it('shows the server backup, the secret-storage key and the mismatch warnings', async () => {
    const hs = homeserver();
    hs.keyBackup = BACKUP;
    setup(hs, { keyBackup: { enabled: false } });
    await waitFor(() => {
      expect(fact('Backup')).toBe('Version 3 · m.megolm_backup.v1.curve25519-aes-sha2 · 42 keys · etag 7');
    });
    expect(fact('Key in secret storage')).toBe('No — m.megolm_backup.v1 is not stored');
    expect(screen.getByText('Off, but a backup exists')).toBeTruthy();
    expect(screen.getByText('Backup key not in secret storage')).toBeTruthy();
    expect(fact('Last read')).not.toBe('not yet');
  });

  it('warns On but no backup, and says what a new sign-in will do', async () => {
    const hs = homeserver();
    setup(hs, { keyBackup: { enabled: true }, megolmBackupSecret: { encrypted: {} } });
    expect(await screen.findByText('On, but there is no backup')).toBeTruthy();
    expect(screen.getByText(/A new sign-in will turn key backup on and set up a new backup/)).toBeTruthy();
  });

  it('reads the backup again when either key changes', async () => {
    const hs = homeserver();
    const { rerender } = setup(hs, { keyBackup: { enabled: true } });
    await waitFor(() => {
      expect(backupRequests(hs)).toBe(1);
    });
    hs.keyBackup = BACKUP;
    rerender({ keyBackup: { enabled: true }, backupDisabled: { disabled: false } });
    await waitFor(() => {
      expect(fact('Backup')).toMatch(/^Version 3/);
    });
    expect(backupRequests(hs)).toBe(2);
  });

  it('says when the backup cannot be read', async () => {
    const hs = homeserver();
    hs.fail({ path: '/_matrix/client/v3/room_keys/version' }, { status: 500, errcode: 'M_UNKNOWN' });
    setup(hs);
    expect(await screen.findByText("Could not read the server's backup")).toBeTruthy();
    expect(fact('Backup')).toBe('Could not be read');
  });
});

describe('the preference switch (#9, msw homeserver)', () => {
  it('writes both keys after the confirmation', async () => {
    const hs = homeserver();
    const { user } = setup(hs, { keyBackup: { enabled: false } });
    const toggle = screen.getByRole('switch', { name: 'Back up room keys on new sign-ins' });
    expect((toggle as HTMLInputElement).checked).toBe(false);
    await user.click(toggle);
    const dialog = screen.getByRole('dialog', { name: 'Turn key backup on for new sign-ins?' });
    expect(dialog.textContent).toMatch(/changes what new sign-ins do/);
    expect(dialog.textContent).toMatch(/creates or deletes no backup/);
    expect(
      within(dialog).getByRole<HTMLInputElement>('checkbox', { name: /Also write the old key/ }).checked,
    ).toBe(true);
    expect(hs.requestsMatching({ method: 'PUT' })).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText(/Saved: key backup is On/)).toBeTruthy();
    expect(hs.getAccountData(USER, 'm.key_backup')).toEqual({ enabled: true });
    expect(hs.getAccountData(USER, 'm.org.matrix.custom.backup_disabled')).toEqual({ disabled: false });
  });

  it('writes only m.key_backup when the old key is unticked', async () => {
    const hs = homeserver();
    const { user } = setup(hs, { keyBackup: { enabled: true } });
    await user.click(screen.getByRole('switch', { name: 'Back up room keys on new sign-ins' }));
    const dialog = screen.getByRole('dialog', { name: 'Turn key backup off for new sign-ins?' });
    await user.click(within(dialog).getByRole('checkbox', { name: /Also write the old key/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));
    expect(await screen.findByText(/Saved: key backup is Off/)).toBeTruthy();
    expect(hs.getAccountData(USER, 'm.key_backup')).toEqual({ enabled: false });
    expect(hs.getAccountData(USER, 'm.org.matrix.custom.backup_disabled')).toBeUndefined();
  });

  it('cancelling writes nothing', async () => {
    const hs = homeserver();
    const { user } = setup(hs);
    await user.click(screen.getByRole('switch', { name: 'Back up room keys on new sign-ins' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(hs.requestsMatching({ method: 'PUT' })).toHaveLength(0);
    expect(screen.getByRole<HTMLInputElement>('switch').checked).toBe(false);
  });

  it('a failed write says so and what was already written', async () => {
    const hs = homeserver();
    hs.fail(
      { method: 'PUT', path: /backup_disabled$/ },
      { status: 403, errcode: 'M_FORBIDDEN', error: 'Not allowed' },
    );
    const { user } = setup(hs);
    await user.click(screen.getByRole('switch', { name: 'Back up room keys on new sign-ins' }));
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch('Could not change the key backup preference');
    expect(alert.textContent).toMatch(
      /Could not write m\.org\.matrix\.custom\.backup_disabled: .*Not allowed/,
    );
    expect(alert.textContent).toMatch('m.key_backup was already written; the rest was not.');
    // The switch shows what is stored (by sync), not what was attempted.
    expect(screen.getByRole<HTMLInputElement>('switch').checked).toBe(false);
  });
});
