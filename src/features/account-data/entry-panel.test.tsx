// @vitest-environment jsdom
// The entry editor pane against an msw homeserver, through the real MatrixClient, mutations and query
// cache. Monaco is replaced by the textarea implementation of the editor contract.
import { useQuery } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../../matrix/client.ts';
import { toastStore } from '../../components/toast-store.ts';
import { Toaster } from '../../components/toaster.tsx';
import type { AccountDataScope, JsonObject } from '../../matrix/types.ts';
import { MSC3391_FEATURE, setupMswHomeserver, type FakeHomeserver } from '../../test/msw-homeserver.ts';
import { renderWithInspector, createTestQueryClient, type UserEvents } from '../../test/render.tsx';
import { readEntry, updateScope } from './cache.ts';
import { DraftsDb, type Draft } from './drafts-db.ts';
import { EntryPanel } from './entry-panel.tsx';
import { createInspectorStore } from './inspector-store.tsx';
import { entryKey } from '../../matrix/entry-key.ts';
import {
  applyChange,
  emptyDevices,
  emptyRooms,
  foldSyncBatch,
  formatContent,
  liveEntry,
  type Entry,
  type RoomsData,
  type ScopeData,
} from './model.ts';
import { PendingWrites } from './pending-writes.ts';
import { accountDataKeys, accountDataQueries } from './queries.ts';
import type { WriteEvent, WriteObserver } from './write-events.ts';

vi.mock('../../editor/json-editor.tsx', () => import('../../test/editor-doubles.tsx'));
vi.mock('../../editor/diff-view.tsx', () => import('../../test/editor-doubles.tsx'));

const homeserver = setupMswHomeserver();

beforeEach(() => {
  // A fresh IndexedDB per test, so drafts never leak between tests.
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  cleanup();
  toastStore.getState().actions.toastsCleared();
});

const USER = '@alice:hs.test';
const GLOBAL: AccountDataScope = { kind: 'global' };
const ROOM_ID = '!room:hs.test';
const ROOM: AccountDataScope = { kind: 'room', roomId: ROOM_ID };

const DIRECT = { '@bob:hs.test': ['!dm:hs.test'] };

/** Reads the entry from the query cache, as the account-data view does, and renders its panel. */
function CachedEntryPanel(props: {
  client: MatrixClient;
  pending: PendingWrites;
  draftsDb: DraftsDb;
  scope: AccountDataScope;
  type: string;
  accountDataDelete?: boolean | undefined;
  onWrite?: WriteObserver | undefined;
}) {
  const { client, scope, type } = props;
  const global = useQuery(accountDataQueries.global(client.userId)).data;
  const rooms = useQuery(accountDataQueries.rooms(client.userId)).data;
  const entry: Entry | undefined =
    scope.kind === 'room' ? rooms?.byId.get(scope.roomId)?.data[type] : global?.[type];
  if (!entry) return <p>No entry {type}</p>;
  return (
    <EntryPanel
      client={client}
      pending={props.pending}
      draftsDb={props.draftsDb}
      scope={scope}
      entry={entry}
      scopeLabel={scope.kind === 'room' ? `Room (${scope.roomId})` : 'Global'}
      accountDataDelete={props.accountDataDelete}
      onWrite={props.onWrite}
    />
  );
}

type Setup = {
  hs: FakeHomeserver;
  user: UserEvents;
  queryClient: ReturnType<typeof createTestQueryClient>;
  store: ReturnType<typeof createInspectorStore>;
  draftsDb: DraftsDb;
  /** The entry as the cache holds it now. */
  cached: () => Entry | undefined;
  /** The editor textarea (throws while the entry is masked). */
  editor: () => HTMLTextAreaElement;
  /** Pushes a server change into the cache, as the sync bridge would. */
  serverChanged: (content: JsonObject) => Promise<void>;
};

async function setup(options: {
  type: string;
  content: JsonObject;
  scope?: AccountDataScope;
  drafts?: Omit<Draft, 'userId' | 'savedAt'>[];
  accountDataDelete?: boolean;
  onWrite?: WriteObserver;
}): Promise<Setup> {
  const { type, content, scope = GLOBAL } = options;
  const hs = homeserver();
  const session = hs.createSession(USER);
  const roomId = scope.kind === 'room' ? scope.roomId : undefined;
  hs.setAccountData(USER, type, content, roomId);
  const client = new MatrixClient(session);

  const queryClient = createTestQueryClient();
  const entry = liveEntry(type, content);
  if (scope.kind === 'room') {
    const rooms: RoomsData = {
      order: [scope.roomId],
      byId: new Map([
        [scope.roomId, { info: { roomId: scope.roomId, name: 'Room' }, data: { [type]: entry } }],
      ]),
      isComplete: true,
    };
    queryClient.setQueryData(accountDataKeys.rooms(USER), rooms);
  } else {
    queryClient.setQueryData<ScopeData>(accountDataKeys.global(USER), { [type]: entry });
  }

  const store = createInspectorStore();
  const draftsDb = new DraftsDb();
  if (options.drafts) {
    // As AccountDataView does at start: read the drafts from IndexedDB into the store.
    for (const draft of options.drafts) await draftsDb.put({ ...draft, userId: USER, savedAt: 1 });
    store.getState().actions.draftsLoaded(await draftsDb.all(USER));
  }

  const { user } = renderWithInspector(
    <CachedEntryPanel
      client={client}
      pending={new PendingWrites()}
      draftsDb={draftsDb}
      scope={scope}
      type={type}
      accountDataDelete={options.accountDataDelete}
      onWrite={options.onWrite}
    />,
    { queryClient, store },
  );
  return {
    hs,
    user,
    queryClient,
    store,
    draftsDb,
    cached: () => readEntry(queryClient, USER, scope, type),
    editor: () => screen.getByRole<HTMLTextAreaElement>('textbox', { name: `Content of ${type}` }),
    serverChanged: async (next) => {
      await act(async () => {
        updateScope(queryClient, USER, scope, (data) => applyChange(data, type, next, Date.now()));
        // TanStack Query notifies observers on a zero timeout.
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
    },
  };
}

/** Replaces the whole draft as a user would (clear the editor, paste the new text). */
async function typeDraft(user: UserEvents, editor: HTMLTextAreaElement, text: string) {
  await user.clear(editor);
  await user.paste(text);
}

const button = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name });
const notSaved = () => screen.getByText('Not saved').closest<HTMLElement>('[role="alert"]');
const accountDataPath = (type: string) => `/_matrix/client/v3/user/${USER}/account_data/${type}`;

describe('EntryPanel: editing and saving', () => {
  it('shows a clean entry with Save and Revert disabled, without touching the server (msw homeserver)', async () => {
    const { editor, hs } = await setup({ type: 'm.direct', content: DIRECT });
    expect(screen.getByRole('heading', { name: 'm.direct' })).toBeDefined();
    expect(editor().value).toBe(formatContent(DIRECT));
    expect(editor().readOnly).toBe(false);
    expect(button('Save').disabled).toBe(true);
    expect(button('Revert').disabled).toBe(true);
    expect(button('Delete').disabled).toBe(false);
    expect(screen.queryByText('Unsaved draft')).toBeNull();
    expect(hs.requests).toEqual([]);
  });

  it('enables Save once the draft differs from the server, and Revert restores it (msw homeserver)', async () => {
    const { editor, user } = await setup({ type: 'm.direct', content: DIRECT });
    await user.type(editor(), ' ');
    expect(button('Save').disabled).toBe(false);
    expect(button('Revert').disabled).toBe(false);
    expect(screen.getByText('Unsaved draft')).toBeDefined();

    await user.click(button('Revert'));
    expect(editor().value).toBe(formatContent(DIRECT));
    expect(button('Save').disabled).toBe(true);
    expect(screen.queryByText('Unsaved draft')).toBeNull();
  });

  it('Save shows a diff; Confirm save PUTs exactly the parsed content and the editor is clean again (msw homeserver)', async () => {
    const { editor, user, hs, cached } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"@bob:hs.test": ["!dm:hs.test", "!new:hs.test"], "n": 12.5}');
    await user.click(button('Save'));

    const dialog = screen.getByRole('dialog', { name: 'Save m.direct?' });
    expect(within(dialog).getByRole('region', { name: 'Changes to m.direct' })).toBeDefined();
    const unified = within(dialog).getByLabelText('Changes to m.direct, unified diff').textContent;
    expect(unified).toContain('+     "!new:hs.test"\n');
    expect(unified).toContain('+   "n": 12.5\n');
    expect(hs.requestsMatching({ method: 'PUT' })).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Confirm save' }));
    expect(await screen.findByText('Saved.')).toBeDefined();
    expect(screen.queryByRole('dialog')).toBeNull();

    const puts = hs.requestsMatching({ method: 'PUT' });
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toBe(accountDataPath('m.direct'));
    expect(puts[0]?.body).toEqual({ '@bob:hs.test': ['!dm:hs.test', '!new:hs.test'], n: 12.5 });
    expect(puts[0]?.headers.authorization).toMatch(/^Bearer syt_fake_token_/);

    const saved = { '@bob:hs.test': ['!dm:hs.test', '!new:hs.test'], n: 12.5 };
    expect(hs.getAccountData(USER, 'm.direct')).toEqual(saved);
    expect(cached()?.content).toEqual(saved);
    // The server echo converges with the draft: clean, shown with the server's formatting.
    await waitFor(() => {
      expect(editor().value).toBe(formatContent(saved));
    });
    expect(button('Save').disabled).toBe(true);
  });

  it('Cancel in the save dialog sends nothing and keeps the draft (msw homeserver)', async () => {
    const { editor, user, hs } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"a": 1}');
    await user.click(button('Save'));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(editor().value).toBe('{"a": 1}');
    expect(hs.requests).toEqual([]);
  });

  it('writes optimistically: the cache holds the new value while the PUT is in flight (msw homeserver)', async () => {
    const { editor, user, hs, cached } = await setup({ type: 'm.direct', content: DIRECT });
    const held = hs.hold({ method: 'PUT', path: accountDataPath('m.direct') });
    await typeDraft(user, editor(), '{"a": 1}');
    await user.click(button('Save'));
    await user.click(button('Confirm save'));

    await held.arrived;
    expect(cached()?.content).toEqual({ a: 1 });
    expect(button('Saving…').disabled).toBe(true);
    expect(button('Delete').disabled).toBe(true);
    // Pinned to the pre-save server text: the draft stays a draft while the write is in flight.
    expect(editor().value).toBe('{"a": 1}');

    held.release();
    expect(await screen.findByText('Saved.')).toBeDefined();
    expect(cached()?.content).toEqual({ a: 1 });
  });

  it('a 400 shows "Not saved" with the server reason, rolls the cache back and keeps the draft (msw homeserver)', async () => {
    const { editor, user, hs, queryClient } = await setup({ type: 'm.direct', content: DIRECT });
    const before = queryClient.getQueryData<ScopeData>(accountDataKeys.global(USER))?.['m.direct'];
    hs.fail(
      { method: 'PUT', path: accountDataPath('m.direct') },
      { status: 400, errcode: 'M_BAD_JSON', error: 'm.direct values must be arrays of room IDs' },
    );
    const draft = '{"@bob:hs.test": "!not-a-list:hs.test"}';
    await typeDraft(user, editor(), draft);
    await user.click(button('Save'));
    await user.click(button('Confirm save'));

    await waitFor(() => {
      expect(notSaved()).not.toBeNull();
    });
    expect(notSaved()?.textContent).toContain(
      'The homeserver refused the content: m.direct values must be arrays of room IDs.',
    );
    expect(screen.queryByText('Saved.')).toBeNull();

    // Rolled back to the entry the cache held before the write.
    const after = queryClient.getQueryData<ScopeData>(accountDataKeys.global(USER))?.['m.direct'];
    expect(after).toEqual(before);
    expect(after?.content).toEqual(DIRECT);
    expect(hs.getAccountData(USER, 'm.direct')).toEqual(DIRECT);

    // The draft survives the failed write and can be saved again.
    await waitFor(() => {
      expect(button('Save').disabled).toBe(false);
    });
    expect(editor().value).toBe(draft);
    expect(screen.getByText('Unsaved draft')).toBeDefined();
    expect(screen.queryByText('Changed on the server while you were editing')).toBeNull();
  });

  it('disables Save and shows the parse error for invalid JSON (msw homeserver)', async () => {
    const { editor, user, hs } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"a": }');
    const problem = await screen.findByText(/^Line 1, column 7: /);
    expect(problem.getAttribute('role')).toBe('alert');
    expect(button('Save').disabled).toBe(true);
    expect(hs.requests).toEqual([]);

    await typeDraft(user, editor(), '{"a": 1}');
    await waitFor(() => {
      expect(button('Save').disabled).toBe(false);
    });
    expect(screen.queryByText(/^Line 1, column 7: /)).toBeNull();
  });

  it('disables Save for JSON that is not an object (msw homeserver)', async () => {
    const { editor, user } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '[1, 2]');
    expect(await screen.findByText(/Content must be a JSON object, not an array/)).toBeDefined();
    expect(button('Save').disabled).toBe(true);
  });

  it('refuses to save {} and points to Delete, without a request (msw homeserver)', async () => {
    const { editor, user, hs } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{}');
    await user.click(button('Save'));
    expect(notSaved()?.textContent).toContain(
      'Content {} means "deleted" in Matrix. Use Delete to remove this entry.',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(editor().value).toBe('{}');
    expect(hs.requests).toEqual([]);
  });

  it('asks a second confirmation when the content has warnings, then saves (msw homeserver)', async () => {
    const { editor, user, hs } = await setup({ type: 'org.example.settings', content: { a: 0 } });
    await typeDraft(user, editor(), '{"a": 1, "a": 2}');
    await waitFor(() => {
      expect(screen.getByText(/^Line 1: /)).toBeDefined();
    });
    await user.click(button('Save'));

    const dialog = screen.getByRole('dialog', { name: 'Save org.example.settings?' });
    expect(within(dialog).getByText('Schema warnings')).toBeDefined();
    await user.click(within(dialog).getByRole('button', { name: 'Confirm save' }));
    // First confirmation only moves to the warning step.
    expect(within(dialog).getByText('Save despite these warnings?')).toBeDefined();
    expect(hs.requestsMatching({ method: 'PUT' })).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Save anyway' }));
    expect(await screen.findByText('Saved.')).toBeDefined();
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => r.body)).toEqual([{ a: 2 }]);
  });

  it('saves room account data to the room endpoint (msw homeserver)', async () => {
    const { editor, user, hs } = await setup({
      type: 'org.example.room',
      content: { pinned: false },
      scope: ROOM,
    });
    await typeDraft(user, editor(), '{"pinned": true}');
    await user.click(button('Save'));
    await user.click(button('Confirm save'));
    expect(await screen.findByText('Saved.')).toBeDefined();
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => [r.path, r.body])).toEqual([
      [`/_matrix/client/v3/user/${USER}/rooms/${ROOM_ID}/account_data/org.example.room`, { pinned: true }],
    ]);
    expect(hs.getAccountData(USER, 'org.example.room', ROOM_ID)).toEqual({ pinned: true });
  });
});

describe('EntryPanel: guards', () => {
  it('shows server-managed m.push_rules read-only with Save and Delete disabled, and makes no request (msw homeserver)', async () => {
    const content = { global: { override: [{ rule_id: '.m.rule.master', enabled: false }] } };
    const { editor, user, hs } = await setup({ type: 'm.push_rules', content });
    expect(screen.getByText('Read-only: managed by the server')).toBeDefined();
    expect(
      screen.getByText(
        'm.push_rules is managed by the server; change push rules through the /pushrules API.',
      ),
    ).toBeDefined();
    expect(editor().readOnly).toBe(true);
    expect(button('Save').disabled).toBe(true);
    expect(button('Delete').disabled).toBe(true);

    await user.type(editor(), 'xyz');
    expect(editor().value).toBe(formatContent(content));
    expect(button('Save').disabled).toBe(true);
    await user.click(button('Delete'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(hs.requests).toEqual([]);
  });

  it('masks a secret type until Reveal (msw homeserver)', async () => {
    const content = { user_id: USER, usage: ['master'], keys: { 'ed25519:MASTERKEY': 'MASTERKEY' } };
    const { user, editor, store } = await setup({ type: 'm.cross_signing.master', content });
    expect(screen.getByText('Hidden.')).toBeDefined();
    expect(screen.queryByRole('textbox', { name: 'Content of m.cross_signing.master' })).toBeNull();
    const shown = [...document.querySelectorAll('textarea')].map((t) => t.value).join('');
    expect(`${document.body.textContent}${shown}`).not.toContain('MASTERKEY');
    expect(button('Save').disabled).toBe(true);

    await user.click(button('Reveal'));
    expect(editor().value).toBe(formatContent(content));
    expect(store.getState().revealed.has(entryKey({ kind: 'global' }, 'm.cross_signing.master'))).toBe(true);

    await user.click(button('Hide'));
    expect(screen.queryByRole('textbox', { name: 'Content of m.cross_signing.master' })).toBeNull();
  });

  it('keeps Confirm delete of a secret disabled until the exact type is typed (msw homeserver)', async () => {
    const content = { user_id: USER, usage: ['master'], keys: { 'ed25519:K': 'K' } };
    const { user, hs } = await setup({ type: 'm.cross_signing.master', content });
    await user.click(button('Delete'));
    const dialog = screen.getByRole('dialog', { name: 'Delete m.cross_signing.master?' });
    expect(within(dialog).getByText('This can break encryption')).toBeDefined();
    const confirm = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Confirm delete' });
    const typed = within(dialog).getByRole('textbox', { name: 'Type m.cross_signing.master to confirm' });
    expect(confirm.disabled).toBe(true);

    await user.type(typed, 'm.cross_signing.maste');
    expect(confirm.disabled).toBe(true);
    await user.type(typed, 'rr');
    expect(confirm.disabled).toBe(true);
    await user.click(confirm);
    expect(hs.requests).toEqual([]);

    await user.type(typed, '{Backspace}');
    expect(confirm.disabled).toBe(false);
    await user.click(confirm);
    expect(await screen.findByRole('button', { name: 'Restore' })).toBeDefined();
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => [r.path, r.body])).toEqual([
      [accountDataPath('m.cross_signing.master'), {}],
    ]);
  });

  it('asks for the typed type before saving a revealed secret (msw homeserver)', async () => {
    const content = { user_id: USER, usage: ['master'], keys: { 'ed25519:K': 'K' } };
    const { user, editor, hs } = await setup({ type: 'm.cross_signing.master', content });
    await user.click(button('Reveal'));
    await typeDraft(user, editor(), '{"user_id": "@alice:hs.test", "usage": ["master"], "keys": {}}');
    await user.click(button('Save'));
    const dialog = screen.getByRole('dialog', { name: 'Save m.cross_signing.master?' });
    const confirm = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Confirm save' });
    expect(confirm.disabled).toBe(true);
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Type m.cross_signing.master to confirm' }),
      'm.cross_signing.master',
    );
    expect(confirm.disabled).toBe(false);
    await user.click(confirm);
    expect(await screen.findByText('Saved.')).toBeDefined();
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => r.body)).toEqual([
      { user_id: USER, usage: ['master'], keys: {} },
    ]);
  });
});

describe('EntryPanel: per-device entries (MSC4331, issue #10)', () => {
  const TYPE = 'org.example.device_settings';
  const CONTENT = { theme: 'dark' };

  /** Renders the device entry's panel for a client signed in as device `ME`. */
  function renderDeviceEntry(deviceId: string) {
    const hs = homeserver();
    const client = new MatrixClient(hs.createSession(USER, { deviceId: 'ME' }));
    const scope: AccountDataScope = { kind: 'device', deviceId };
    const rendered = renderWithInspector(
      <EntryPanel
        client={client}
        pending={new PendingWrites()}
        draftsDb={new DraftsDb()}
        scope={scope}
        entry={liveEntry(TYPE, CONTENT)}
        scopeLabel={`Device ${deviceId}`}
      />,
    );
    const editor = () => screen.getByRole<HTMLTextAreaElement>('textbox', { name: `Content of ${TYPE}` });
    return { ...rendered, hs, editor };
  }

  it("shows another device's entry read-only with the reason, and sends nothing (msw homeserver)", async () => {
    const { editor, user, hs } = renderDeviceEntry('OTHER');
    expect(screen.getByText("Read-only: another device's data")).toBeDefined();
    expect(screen.getByText(/Only device OTHER can change its own account data/)).toBeDefined();
    expect(screen.queryByText('Read-only: managed by the server')).toBeNull();
    expect(editor().readOnly).toBe(true);
    expect(button('Save').disabled).toBe(true);
    expect(button('Delete').disabled).toBe(true);

    await user.type(editor(), 'xyz');
    expect(editor().value).toBe(formatContent(CONTENT));
    expect(button('Save').disabled).toBe(true);
    await user.click(button('Delete'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(hs.requests).toEqual([]);
  });

  it('lets this inspector edit its own device’s entry (msw homeserver)', async () => {
    const { editor, user } = renderDeviceEntry('ME');
    expect(screen.queryByText(/^Read-only/)).toBeNull();
    expect(editor().readOnly).toBe(false);
    expect(button('Delete').disabled).toBe(false);
    await typeDraft(user, editor(), '{"theme": "light"}');
    expect(button('Save').disabled).toBe(false);
  });
});

describe('EntryPanel: server changes under a draft', () => {
  const THEIRS = { '@bob:hs.test': ['!dm:hs.test'], '@carol:hs.test': ['!dm2:hs.test'] };

  it('keeps the dirty draft and shows the conflict banner when the server value changes (msw homeserver)', async () => {
    const { editor, user, serverChanged } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"mine": true}');
    await serverChanged(THEIRS);

    expect(screen.getByText('Changed on the server while you were editing')).toBeDefined();
    expect(editor().value).toBe('{"mine": true}');
    expect(button('Save').disabled).toBe(false);
  });

  it('does not show the banner when the draft is clean; the editor follows the server (msw homeserver)', async () => {
    const { editor, serverChanged } = await setup({ type: 'm.direct', content: DIRECT });
    await serverChanged(THEIRS);
    expect(editor().value).toBe(formatContent(THEIRS));
    expect(screen.queryByText('Changed on the server while you were editing')).toBeNull();
    expect(button('Save').disabled).toBe(true);
  });

  it('"Take theirs" replaces the draft with the server value (msw homeserver)', async () => {
    const { editor, user, serverChanged } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"mine": true}');
    await serverChanged(THEIRS);
    await user.click(button('Take theirs'));

    expect(editor().value).toBe(formatContent(THEIRS));
    expect(screen.queryByText('Changed on the server while you were editing')).toBeNull();
    expect(button('Save').disabled).toBe(true);
  });

  it('"Keep mine" dismisses the banner, keeps the draft and diffs a save against the new server value (msw homeserver)', async () => {
    const { editor, user, serverChanged } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"mine": true}');
    await serverChanged(THEIRS);
    await user.click(button('Keep mine'));

    expect(screen.queryByText('Changed on the server while you were editing')).toBeNull();
    expect(editor().value).toBe('{"mine": true}');
    expect(button('Save').disabled).toBe(false);

    await user.click(button('Save'));
    const diff = screen.getByLabelText('Changes to m.direct, unified diff');
    expect(diff.textContent).toContain('-   "@carol:hs.test": [');
  });

  it('"Show diff" compares the server value with the draft (msw homeserver)', async () => {
    const { editor, user, serverChanged } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"mine": true}');
    await serverChanged(THEIRS);
    await user.click(button('Show diff'));

    const dialog = screen.getByRole('dialog', { name: 'm.direct: your draft and the server' });
    const diff = within(dialog).getByLabelText(
      'Differences between the server value and your draft, unified diff',
    );
    expect(diff.textContent).toContain('- {\n');
    expect(diff.textContent).toContain('+ {"mine": true}\n');
    await user.click(within(dialog).getByRole('button', { name: 'Take theirs' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(editor().value).toBe(formatContent(THEIRS));
  });
});

describe('EntryPanel: drafts in IndexedDB', () => {
  it('starts from a restored draft, dirty, without a conflict (msw homeserver)', async () => {
    const { editor } = await setup({
      type: 'm.direct',
      content: DIRECT,
      drafts: [
        { scopeKey: 'global', type: 'm.direct', text: '{"restored": true}', baseText: formatContent(DIRECT) },
      ],
    });
    expect(editor().value).toBe('{"restored": true}');
    expect(button('Save').disabled).toBe(false);
    expect(screen.getByText('Unsaved draft')).toBeDefined();
    expect(screen.queryByText('Changed on the server while you were editing')).toBeNull();
  });

  it('flags a restored draft whose server value moved meanwhile (msw homeserver)', async () => {
    const { editor } = await setup({
      type: 'm.direct',
      content: DIRECT,
      drafts: [{ scopeKey: 'global', type: 'm.direct', text: '{"restored": true}', baseText: '{"old": 1}' }],
    });
    expect(editor().value).toBe('{"restored": true}');
    expect(screen.getByText('Changed on the server while you were editing')).toBeDefined();
  });

  it('mirrors the draft into IndexedDB and drops it on Revert (msw homeserver)', async () => {
    const { editor, user, draftsDb, store } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"a": 1}');
    await waitFor(async () => {
      expect(await draftsDb.all(USER)).toMatchObject([
        {
          userId: USER,
          scopeKey: 'global',
          type: 'm.direct',
          text: '{"a": 1}',
          baseText: formatContent(DIRECT),
        },
      ]);
    });
    expect(Object.keys(store.getState().drafts)).toEqual([entryKey({ kind: 'global' }, 'm.direct')]);

    await user.click(button('Revert'));
    await waitFor(async () => {
      expect(await draftsDb.all(USER)).toEqual([]);
    });
    expect(store.getState().drafts).toEqual({});
  });
});

describe('EntryPanel: delete and restore', () => {
  it('deletes with the MSC3391 DELETE when /versions advertises it, leaving a tombstone (msw homeserver)', async () => {
    const type = 'org.example.settings';
    const content = { theme: 'dark' };
    const { user, hs, cached } = await setup({ type, content });
    hs.unstableFeatures = { [MSC3391_FEATURE]: true };

    await user.click(button('Delete'));
    const dialog = screen.getByRole('dialog', { name: `Delete ${type}?` });
    await user.click(within(dialog).getByRole('button', { name: 'Confirm delete' }));

    expect(await screen.findByText('Deleted with DELETE (MSC3391).')).toBeDefined();
    expect(hs.requestsMatching({ method: 'DELETE' }).map((r) => r.path)).toEqual([
      `/_matrix/client/unstable/${MSC3391_FEATURE}/user/${USER}/account_data/${type}`,
    ]);
    expect(hs.requestsMatching({ method: 'PUT' })).toEqual([]);
    // MSC3391 support is read from the authenticated /versions (per-user overrides).
    const versions = hs.requestsMatching({ method: 'GET', path: '/_matrix/client/versions' });
    expect(versions[0]?.headers.authorization).toMatch(/^Bearer /);
    expect(hs.getAccountData(USER, type)).toBeUndefined();
    expect(cached()).toMatchObject({ isDeleted: true, content: null, lastContent: content });

    expect(screen.getByText('This entry was deleted. Its last known content is shown below.')).toBeDefined();
    expect(screen.getByRole('button', { name: 'Restore' })).toBeDefined();
    expect(button('Delete').disabled).toBe(true);
    expect(button('Save').disabled).toBe(true);
    const editor = screen.getByRole<HTMLTextAreaElement>('textbox', { name: `Content of ${type}` });
    expect(editor.readOnly).toBe(true);
    expect(editor.value).toBe(formatContent(content));
  });

  it('deletes room account data with the room variant of the MSC3391 DELETE (msw homeserver)', async () => {
    const type = 'org.example.room';
    const { user, hs } = await setup({ type, content: { a: 1 }, scope: ROOM });
    hs.unstableFeatures = { [MSC3391_FEATURE]: true };
    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));
    expect(await screen.findByText('Deleted with DELETE (MSC3391).')).toBeDefined();
    expect(hs.requestsMatching({ method: 'DELETE' }).map((r) => r.path)).toEqual([
      `/_matrix/client/unstable/${MSC3391_FEATURE}/user/${USER}/rooms/${ROOM_ID}/account_data/${type}`,
    ]);
    expect(hs.getAccountData(USER, type, ROOM_ID)).toBeUndefined();
  });

  it('deletes by PUT {} when the server does not advertise MSC3391, and Restore brings it back (msw homeserver)', async () => {
    const type = 'org.example.settings';
    const content = { theme: 'dark' };
    const { user, hs, cached, editor } = await setup({ type, content });

    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));
    expect(
      await screen.findByText('Deleted by writing {} (this server does not support MSC3391 DELETE).'),
    ).toBeDefined();
    expect(hs.requestsMatching({ method: 'DELETE' })).toEqual([]);
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => [r.path, r.body])).toEqual([
      [accountDataPath(type), {}],
    ]);
    expect(cached()).toMatchObject({ isDeleted: true, lastContent: content });

    await user.click(button('Restore'));
    const dialog = screen.getByRole('dialog', { name: `Restore ${type}?` });
    await user.click(within(dialog).getByRole('button', { name: 'Confirm restore' }));
    expect(await screen.findByText('Saved.')).toBeDefined();
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => r.body)).toEqual([{}, content]);
    expect(hs.getAccountData(USER, type)).toEqual(content);
    expect(cached()).toMatchObject({ isDeleted: false, content });
    expect(screen.queryByRole('button', { name: 'Restore' })).toBeNull();
    expect(editor().readOnly).toBe(false);
  });

  it('rolls a failed delete back and says why (msw homeserver)', async () => {
    const type = 'org.example.settings';
    const { user, hs, cached } = await setup({ type, content: { theme: 'dark' } });
    hs.fail(
      { method: 'PUT', path: accountDataPath(type) },
      { status: 403, errcode: 'M_FORBIDDEN', error: 'Nope' },
    );
    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));
    await waitFor(() => {
      expect(notSaved()?.textContent).toContain('The homeserver does not allow this: Nope.');
    });
    expect(cached()).toMatchObject({ isDeleted: false, content: { theme: 'dark' } });
    expect(screen.queryByRole('button', { name: 'Restore' })).toBeNull();
  });
});

describe('EntryPanel: rollback toasts (#7)', () => {
  const notifications = () => screen.getByRole('region', { name: 'Notifications' });

  it('a refused save rolls back with a toast naming the entry and the reason, and keeps the draft (msw homeserver)', async () => {
    render(<Toaster />);
    const { editor, user, hs, cached } = await setup({ type: 'm.direct', content: DIRECT });
    hs.fail(
      { method: 'PUT', path: accountDataPath('m.direct') },
      { status: 400, errcode: 'M_BAD_JSON', error: 'm.direct values must be arrays of room IDs' },
    );
    const draft = '{"@bob:hs.test": "!not-a-list:hs.test"}';
    await typeDraft(user, editor(), draft);
    await user.click(button('Save'));
    await user.click(button('Confirm save'));

    const toast = await within(notifications()).findByText('Save of m.direct rolled back');
    expect(toast.closest('[role="alert"]')?.textContent).toContain(
      'The homeserver refused the content: m.direct values must be arrays of room IDs.',
    );
    expect(cached()?.content).toEqual(DIRECT);
    // The panel's own banner stays, and the draft survives the rollback.
    expect(notSaved()).not.toBeNull();
    await waitFor(() => {
      expect(button('Save').disabled).toBe(false);
    });
    expect(editor().value).toBe(draft);
    expect(screen.getByText('Unsaved draft')).toBeDefined();
  });

  it('a refused delete of room account data rolls back with a toast naming the room (msw homeserver)', async () => {
    render(<Toaster />);
    const type = 'org.example.room';
    const { user, hs, cached } = await setup({ type, content: { a: 1 }, scope: ROOM });
    hs.fail(
      { method: 'PUT', path: `/_matrix/client/v3/user/${USER}/rooms/${ROOM_ID}/account_data/${type}` },
      { status: 403, errcode: 'M_FORBIDDEN', error: 'Nope' },
    );
    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));

    const toast = await within(notifications()).findByText(`Delete of ${type} in ${ROOM_ID} rolled back`);
    expect(toast.closest('[role="alert"]')?.textContent).toContain(
      'The homeserver does not allow this: Nope.',
    );
    expect(cached()).toMatchObject({ isDeleted: false, content: { a: 1 } });
  });
});

describe('EntryPanel: regressions found by the component tests', () => {
  it('keeps an unsaved edit of a revealed secret across Hide and Reveal (msw homeserver)', async () => {
    const content = { encrypted: { K: { iv: 'aXY', ciphertext: 'Y3Q', mac: 'bWFj' } } };
    const { user, editor, store, draftsDb } = await setup({ type: 'm.cross_signing.master', content });
    await user.click(button('Reveal'));
    await typeDraft(user, editor(), '{"mine": 1}');
    // Hide immediately, before the debounced save would have fired.
    await user.click(button('Hide'));
    await user.click(button('Reveal'));
    expect(editor().value).toBe('{"mine": 1}');
    expect(screen.getByText('Unsaved draft')).toBeDefined();
    expect(store.getState().drafts[entryKey({ kind: 'global' }, 'm.cross_signing.master')]?.text).toBe(
      '{"mine": 1}',
    );
    await waitFor(async () => {
      expect((await draftsDb.all(USER)).map((d) => d.text)).toEqual(['{"mine": 1}']);
    });
  });

  it('keeps a draft when the entry is deleted elsewhere, says so, and lets Save recreate it (msw homeserver)', async () => {
    const { user, editor, serverChanged, hs } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"kept": true}');
    await serverChanged({});
    expect(screen.getByText('Deleted while you had unsaved changes')).toBeDefined();
    expect(editor().value).toBe('{"kept": true}');
    expect(editor().readOnly).toBe(false);

    await user.click(button('Save'));
    const dialog = screen.getByRole('dialog', { name: 'Save m.direct?' });
    await user.click(within(dialog).getByRole('button', { name: 'Confirm save' }));
    await waitFor(() => {
      expect(hs.requestsMatching({ method: 'PUT' }).map((r) => r.body)).toEqual([{ kept: true }]);
    });
  });

  it('"Discard my draft" after a deletion shows the last known content, clean and read-only (msw homeserver)', async () => {
    const { user, editor, serverChanged } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"kept": true}');
    await serverChanged({});
    await user.click(button('Discard my draft'));
    expect(editor().value).toBe(formatContent(DIRECT));
    expect(editor().readOnly).toBe(true);
    expect(screen.queryByText('Deleted while you had unsaved changes')).toBeNull();
    expect(button('Revert').disabled).toBe(true);
  });

  it('Ctrl+S opens the save confirmation, and does nothing when there is nothing to save (msw homeserver)', async () => {
    const { editor, user } = await setup({ type: 'm.direct', content: DIRECT });
    editor().focus();
    await user.keyboard('{Control>}s{/Control}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await typeDraft(user, editor(), '{"x": 1}');
    await user.keyboard('{Control>}s{/Control}');
    expect(screen.getByRole('dialog', { name: 'Save m.direct?' })).toBeDefined();
  });

  it('Ctrl+S on invalid JSON says why it cannot save instead of doing nothing (regression: it went by the debounced validation) (msw homeserver)', async () => {
    const { editor, user } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"x": ');
    await user.keyboard('{Control>}s{/Control}');
    expect(screen.queryByRole('dialog')).toBeNull();
    const notSaved = screen.getAllByRole('alert').find((a) => a.textContent.startsWith('Not saved'));
    expect(notSaved?.textContent).toMatch(/Unexpected end of input/);
  });

  it('Format re-indents the draft and Copy JSON copies what the editor shows (msw homeserver)', async () => {
    const { editor, user } = await setup({ type: 'm.direct', content: DIRECT });
    await typeDraft(user, editor(), '{"a":[1,2],"b":{"c":true}}');
    await user.click(button('Format'));
    expect(editor().value).toBe('{\n  "a": [\n    1,\n    2\n  ],\n  "b": {\n    "c": true\n  }\n}');
    await user.click(button('Copy JSON'));
    expect(await navigator.clipboard.readText()).toBe(editor().value);
    expect(screen.getByText('Copied the JSON to the clipboard.')).toBeDefined();
  });
});

describe('EntryPanel: how and when an entry was deleted, and the write observer (#8)', () => {
  const deletedBanner = (title: string) =>
    screen.getByText(title, { selector: '.banner__title' }).closest<HTMLElement>('.banner');

  it('MSC3391 on: records DELETE and its time on the tombstone, says what other clients see, reports the write once (msw homeserver)', async () => {
    const type = 'org.example.settings';
    const writes: WriteEvent[] = [];
    const { user, hs, cached } = await setup({
      type,
      content: { theme: 'dark' },
      accountDataDelete: true,
      onWrite: (e) => writes.push(e),
    });
    hs.unstableFeatures = { [MSC3391_FEATURE]: true };
    const before = Date.now();
    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));
    expect(await screen.findByText('Deleted with DELETE (MSC3391).')).toBeDefined();

    await waitFor(() => {
      expect(cached()?.deletion).toMatchObject({ by: 'this-app', method: 'DELETE' });
    });
    expect(cached()?.deletion?.at).toBeGreaterThanOrEqual(before);
    const banner = deletedBanner('Deleted');
    expect(banner?.textContent).toContain('Deleted by this app with DELETE (MSC3391) just now');
    expect(banner?.textContent).toContain('the type vanishes from their initial syncs');
    expect(banner?.textContent).not.toContain('empty content');

    await waitFor(() => {
      expect(writes).toHaveLength(1);
    });
    expect(writes[0]).toMatchObject({
      scope: GLOBAL,
      type,
      action: 'delete',
      content: null,
      outcome: 'ok',
      method: 'DELETE',
    });
    expect(writes[0]?.at).toBeGreaterThanOrEqual(before);
  });

  it('MSC3391 off, room scope: "Deleted (empty content)" by PUT {}, then Restore is reported as a restore (msw homeserver)', async () => {
    const type = 'org.example.room';
    const writes: WriteEvent[] = [];
    const { user, cached } = await setup({
      type,
      content: { a: 1 },
      scope: ROOM,
      accountDataDelete: false,
      onWrite: (e) => writes.push(e),
    });
    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));
    await waitFor(() => {
      expect(cached()?.deletion).toMatchObject({ by: 'this-app', method: 'PUT_EMPTY' });
    });
    const banner = deletedBanner('Deleted (empty content)');
    expect(banner?.textContent).toContain('Deleted by this app by writing {} (PUT {}) just now');
    expect(banner?.textContent).toContain('clients that do not treat {} as deleted will see an empty object');
    // The header says it too.
    expect(screen.getByText('deleted (empty content)')).toBeDefined();

    await user.click(button('Restore'));
    await user.click(button('Confirm restore'));
    expect(await screen.findByText('Saved.')).toBeDefined();
    await waitFor(() => {
      expect(writes).toHaveLength(2);
    });
    expect(writes.map((w) => [w.action, w.outcome, 'method' in w ? w.method : null, w.content])).toEqual([
      ['delete', 'ok', 'PUT_EMPTY', null],
      ['restore', 'ok', 'PUT', { a: 1 }],
    ]);
    expect(writes[1]?.scope).toEqual(ROOM);
    expect(cached()?.deletion).toBeUndefined();
  });

  it('reports a refused delete once, as failed with the reason (msw homeserver)', async () => {
    const type = 'org.example.settings';
    const writes: WriteEvent[] = [];
    const { user, hs } = await setup({ type, content: { theme: 'dark' }, onWrite: (e) => writes.push(e) });
    hs.fail(
      { method: 'PUT', path: accountDataPath(type) },
      { status: 403, errcode: 'M_FORBIDDEN', error: 'Nope' },
    );
    await user.click(button('Delete'));
    await user.click(button('Confirm delete'));
    await waitFor(() => {
      expect(writes).toHaveLength(1);
    });
    expect(writes[0]).toMatchObject({
      action: 'delete',
      outcome: 'failed',
      error: 'The homeserver does not allow this: Nope.',
    });
  });

  it('reports a save as a save with its method (msw homeserver)', async () => {
    const writes: WriteEvent[] = [];
    const { user, editor } = await setup({
      type: 'm.direct',
      content: DIRECT,
      onWrite: (e) => writes.push(e),
    });
    await typeDraft(user, editor(), '{"@bob:hs.test": []}');
    await user.click(button('Save'));
    await user.click(button('Confirm save'));
    await waitFor(() => {
      expect(writes).toHaveLength(1);
    });
    expect(writes[0]).toMatchObject({
      action: 'save',
      outcome: 'ok',
      method: 'PUT',
      content: { '@bob:hs.test': [] },
    });
  });

  it('says when a deletion by another client was seen, and that an initial-data tombstone predates the session (msw homeserver)', async () => {
    const type = 'org.example.settings';
    const { serverChanged } = await setup({ type, content: { a: 1 }, accountDataDelete: false });
    await serverChanged({});
    expect(deletedBanner('Deleted (empty content)')?.textContent).toContain(
      'Deleted by another client; this app saw the deletion just now',
    );
    cleanup();

    const hs = homeserver();
    const client = new MatrixClient(hs.createSession(USER));
    const queryClient = createTestQueryClient();
    queryClient.setQueryData<ScopeData>(
      accountDataKeys.global(USER),
      foldSyncBatch(
        { global: {}, rooms: emptyRooms, devices: emptyDevices },
        [{ kind: 'global-snapshot', data: {}, deleted: [type] }],
        5,
      ).global,
    );
    renderWithInspector(
      <CachedEntryPanel
        client={client}
        pending={new PendingWrites()}
        draftsDb={new DraftsDb()}
        scope={GLOBAL}
        type={type}
        accountDataDelete={false}
      />,
      { queryClient },
    );
    const banner = deletedBanner('Deleted (empty content)');
    expect(banner?.textContent).toContain('This entry was deleted before this session saw its content.');
    expect(banner?.textContent).toContain('Already deleted when this session started.');
    expect(screen.queryByRole('button', { name: 'Restore' })).toBeNull();
  });
});
