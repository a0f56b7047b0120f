// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { liveEntry, tombstone, type RoomData, type RoomsData, type ScopeData } from './model.ts';
import { NewEntryDialog, newEntryProblem, type NewEntryDialogProps } from './new-entry-dialog.tsx';

afterEach(cleanup);

const GLOBAL: AccountDataScope = { kind: 'global' };
const SETTINGS = 'org.example.settings';
const valid = '{"theme": "dark"}';

describe('newEntryProblem', () => {
  const problem = (input: Partial<Parameters<typeof newEntryProblem>[0]>) =>
    newEntryProblem({ scope: GLOBAL, type: SETTINGS, contentText: valid, existing: undefined, ...input });

  it('accepts a new type with object content', () => {
    expect(problem({})).toBeNull();
  });

  it('asks for a type when it is empty or blank', () => {
    expect(problem({ type: '' })).toBe('Enter a type, e.g. org.example.settings.');
    expect(problem({ type: '   ' })).toBe('Enter a type, e.g. org.example.settings.');
  });

  it('refuses surrounding spaces', () => {
    expect(problem({ type: ` ${SETTINGS}` })).toBe('The type must not start or end with spaces.');
    expect(problem({ type: `${SETTINGS}\t` })).toBe('The type must not start or end with spaces.');
  });

  it('refuses a type over 255 bytes of UTF-8, saying why, and accepts exactly 255', () => {
    expect(problem({ type: 'a'.repeat(255) })).toBeNull();
    expect(problem({ type: 'é'.repeat(128) })).toBe(
      'The account-data type is 256 bytes long in UTF-8; the limit is 255 bytes.',
    );
  });

  it('accepts types with odd characters', () => {
    for (const type of ['a/b', '100%', 'x#y', 'what?', 'with space', 'ünïcödé.类型']) {
      expect(problem({ type })).toBeNull();
    }
  });

  it('refuses a duplicate of a live entry in the same scope', () => {
    const existing: ScopeData = { [SETTINGS]: liveEntry(SETTINGS, { theme: 'light' }) };
    expect(problem({ existing })).toBe(
      `${SETTINGS} already exists in this scope. Select it in the tree to edit it.`,
    );
  });

  it('allows re-creating a deleted entry (tombstone)', () => {
    const existing: ScopeData = { [SETTINGS]: tombstone(SETTINGS, liveEntry(SETTINGS, { theme: 'light' })) };
    expect(problem({ existing })).toBeNull();
  });

  it('refuses server-managed types with the reason', () => {
    expect(problem({ type: 'm.push_rules' })).toBe(
      'm.push_rules is managed by the server; change push rules through the /pushrules API.',
    );
    expect(problem({ type: 'm.fully_read', scope: { kind: 'room', roomId: '!r:hs.test' } })).toBe(
      'm.fully_read is managed by the server; move the read marker with /rooms/{roomId}/read_markers.',
    );
  });

  it('allows room m.tag, which is written through the tags API', () => {
    expect(
      problem({ type: 'm.tag', scope: { kind: 'room', roomId: '!r:hs.test' }, contentText: '{"tags": {}}' }),
    ).toBeNull();
  });

  it('reports invalid JSON with its position', () => {
    expect(problem({ contentText: '{"theme": }' })).toMatch(/^Line 1, column 11: /);
  });

  it('refuses content that is not an object', () => {
    expect(problem({ contentText: '["dark"]' })).toMatch(/^Content must be a JSON object, not an array/);
    expect(problem({ contentText: '"dark"' })).toMatch(/^Content must be a JSON object, not a string/);
  });

  it('refuses {} (it means "deleted"), including the blank template', () => {
    const message = 'Content {} means "deleted" in Matrix; add at least one key.';
    expect(problem({ contentText: '{}' })).toBe(message);
    expect(problem({ contentText: '{\n  \n}' })).toBe(message);
  });
});

describe('NewEntryDialog', () => {
  const rooms: RoomsData = {
    order: ['!b:hs.test', '!a:hs.test'],
    byId: new Map<string, RoomData>([
      ['!b:hs.test', { info: { roomId: '!b:hs.test', name: 'Beta' }, data: {} }],
      [
        '!a:hs.test',
        {
          info: { roomId: '!a:hs.test', name: 'Alpha' },
          data: { [SETTINGS]: liveEntry(SETTINGS, { a: 1 }) },
        },
      ],
    ]),
    isComplete: true,
  };

  function renderDialog(props: Partial<NewEntryDialogProps> = {}) {
    const onCreate = vi.fn<(scope: AccountDataScope, type: string, content: JsonObject) => void>();
    const onCancel = vi.fn<() => void>();
    const user = userEvent.setup();
    render(
      <NewEntryDialog
        global={{}}
        rooms={rooms}
        defaultScope={GLOBAL}
        onCancel={onCancel}
        onCreate={onCreate}
        {...props}
      />,
    );
    const dialog = screen.getByRole('dialog', { name: 'New entry' });
    const field = {
      scope: within(dialog).getByRole<HTMLSelectElement>('combobox', { name: 'Scope' }),
      type: within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'Type' }),
      content: within(dialog).getByRole<HTMLTextAreaElement>('textbox', { name: 'Content' }),
      create: within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Create' }),
    };
    const setContent = async (text: string) => {
      await user.clear(field.content);
      await user.click(field.content);
      await user.paste(text);
    };
    return { dialog, field, user, onCreate, onCancel, setContent };
  }

  it('creates a global entry with the parsed content', async () => {
    const { field, user, onCreate, setContent } = renderDialog();
    expect(field.scope.value).toBe('');
    await user.type(field.type, SETTINGS);
    await setContent(valid);
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledExactlyOnceWith(GLOBAL, SETTINGS, { theme: 'dark' });
  });

  it('shows the problem instead of creating, and marks the type invalid', async () => {
    const { field, user, onCreate, dialog } = renderDialog();
    expect(within(dialog).queryByRole('alert')).toBeNull();
    await user.click(field.create);
    expect(within(dialog).getByRole('alert').textContent).toBe('Enter a type, e.g. org.example.settings.');
    expect(field.type.getAttribute('aria-invalid')).toBe('true');

    await user.type(field.type, SETTINGS);
    await user.click(field.create);
    expect(within(dialog).getByRole('alert').textContent).toBe(
      'Content {} means "deleted" in Matrix; add at least one key.',
    );
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('keeps Create disabled for a secret type until the type is typed again', async () => {
    const { field, user, onCreate, dialog, setContent } = renderDialog();
    const type = 'm.secret_storage.key.abc';
    await user.type(field.type, type);
    await setContent('{"algorithm": "m.secret_storage.v1.aes-hmac-sha2"}');
    expect(field.create.disabled).toBe(true);

    const confirm = within(dialog).getByRole('textbox', {
      name: /Type m\.secret_storage\.key\.abc to confirm/,
    });
    await user.type(confirm, 'm.secret_storage.key.ab');
    expect(field.create.disabled).toBe(true);
    await user.click(field.create);
    expect(onCreate).not.toHaveBeenCalled();

    await user.type(confirm, 'c');
    expect(field.create.disabled).toBe(false);
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledExactlyOnceWith(GLOBAL, type, {
      algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
    });
  });

  it('treats content with an encrypted object as secret, whatever the type (regression)', async () => {
    const { field, user, onCreate, dialog, setContent } = renderDialog();
    await user.type(field.type, 'org.example.vault');
    await setContent('{"encrypted": {"k": {"iv": "a", "ciphertext": "b", "mac": "c"}}}');
    expect(field.create.disabled).toBe(true);
    await user.type(
      within(dialog).getByRole('textbox', { name: /Type org\.example\.vault to confirm/ }),
      'org.example.vault',
    );
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledOnce();
  });

  it('lists joined rooms by name and creates in the room chosen in the Scope select', async () => {
    const { field, user, onCreate, setContent } = renderDialog();
    expect(
      within(field.scope)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Global', 'Room: Alpha (!a:hs.test)', 'Room: Beta (!b:hs.test)']);
    await user.selectOptions(field.scope, 'Room: Beta (!b:hs.test)');
    await user.type(field.type, 'org.example.room');
    await setContent('{"pinned": true}');
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledExactlyOnceWith(
      { kind: 'room', roomId: '!b:hs.test' },
      'org.example.room',
      {
        pinned: true,
      },
    );
  });

  it('checks duplicates in the chosen scope only', async () => {
    const { field, user, onCreate, dialog, setContent } = renderDialog({
      defaultScope: { kind: 'room', roomId: '!a:hs.test' },
    });
    expect(field.scope.value).toBe('!a:hs.test');
    await user.type(field.type, SETTINGS);
    await setContent(valid);
    await user.click(field.create);
    expect(within(dialog).getByRole('alert').textContent).toBe(
      `${SETTINGS} already exists in this scope. Select it in the tree to edit it.`,
    );
    expect(onCreate).not.toHaveBeenCalled();

    await user.selectOptions(field.scope, 'Global');
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledExactlyOnceWith(GLOBAL, SETTINGS, { theme: 'dark' });
  });

  it('offers no device scope without ownDevice (MSC4331 unsupported or unknown)', () => {
    const { field } = renderDialog();
    expect(
      within(field.scope)
        .getAllByRole('option')
        .some((o) => o.textContent.startsWith('This device')),
    ).toBe(false);
  });

  it('offers "This device (<id>)" after Global and creates in the own device scope', async () => {
    const { field, user, onCreate, setContent, dialog } = renderDialog({
      ownDevice: { deviceId: 'MYDEV', data: {} },
    });
    expect(
      within(field.scope)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Global', 'This device (MYDEV)', 'Room: Alpha (!a:hs.test)', 'Room: Beta (!b:hs.test)']);
    expect(within(dialog).queryByText(/deleted\s+with it when you sign out/)).toBeNull();
    await user.selectOptions(field.scope, 'This device (MYDEV)');
    expect(within(dialog).getByText(/deleted\s+with it when you sign out/)).toBeDefined();
    await user.type(field.type, SETTINGS);
    await setContent(valid);
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledExactlyOnceWith({ kind: 'device', deviceId: 'MYDEV' }, SETTINGS, {
      theme: 'dark',
    });
  });

  it('preselects the own device when it is the default scope, but never another device', () => {
    const own = renderDialog({
      ownDevice: { deviceId: 'MYDEV', data: {} },
      defaultScope: { kind: 'device', deviceId: 'MYDEV' },
    });
    expect(own.field.scope.selectedOptions.item(0)?.textContent).toBe('This device (MYDEV)');
    cleanup();
    const other = renderDialog({
      ownDevice: { deviceId: 'MYDEV', data: {} },
      defaultScope: { kind: 'device', deviceId: 'OTHER' },
    });
    expect(other.field.scope.value).toBe('');
  });

  it('refuses a duplicate in the own device’s data, but not one that exists only globally', async () => {
    const { field, user, onCreate, dialog, setContent } = renderDialog({
      global: { 'org.example.global_only': liveEntry('org.example.global_only', { g: 1 }) },
      ownDevice: { deviceId: 'MYDEV', data: { [SETTINGS]: liveEntry(SETTINGS, { theme: 'light' }) } },
      defaultScope: { kind: 'device', deviceId: 'MYDEV' },
    });
    await user.type(field.type, SETTINGS);
    await setContent(valid);
    await user.click(field.create);
    expect(within(dialog).getByRole('alert').textContent).toBe(
      `${SETTINGS} already exists in this scope. Select it in the tree to edit it.`,
    );
    expect(onCreate).not.toHaveBeenCalled();

    await user.clear(field.type);
    await user.type(field.type, 'org.example.global_only');
    await user.click(field.create);
    expect(onCreate).toHaveBeenCalledExactlyOnceWith(
      { kind: 'device', deviceId: 'MYDEV' },
      'org.example.global_only',
      { theme: 'dark' },
    );
  });

  it('calls onCancel from Cancel', async () => {
    const { dialog, user, onCancel, onCreate } = renderDialog();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onCreate).not.toHaveBeenCalled();
  });
});
