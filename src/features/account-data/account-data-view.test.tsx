// @vitest-environment jsdom
// The inspector's tree side against an msw homeserver: tombstone wording per server and the
// "Show deleted" switch (#8). The virtualised tree is replaced by a plain list of its rows (jsdom has
// no layout, so the virtualiser would render none); the lazy editor by its textarea double.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClientProvider } from '@tanstack/react-query';
import { IDBFactory } from 'fake-indexeddb';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../../matrix/client.ts';
import type { TreeNode, TreeRowState } from '../../components/tree-view.tsx';
import { MSC3391_FEATURE, setupMswHomeserver } from '../../test/msw-homeserver.ts';
import { createTestQueryClient } from '../../test/render.tsx';
import { AccountDataView } from './account-data-view.tsx';
import { liveEntry, replaceScope, type RoomsData, type ScopeData } from './model.ts';
import { PendingWrites } from './pending-writes.ts';
import { accountDataKeys } from './queries.ts';
import { showDeletedKey } from './show-deleted.ts';
import { createInspectorStore } from './inspector-store.tsx';
import { aliasRowId, deviceRowId, entryRowId, ORPHANS_ROW_ID } from './row-ids.ts';
import { GROUP_IDS } from './tree-model.ts';

vi.mock('../../editor/json-editor.tsx', () => import('../../test/editor-doubles.tsx'));
vi.mock('../../editor/diff-view.tsx', () => import('../../test/editor-doubles.tsx'));
vi.mock('../../components/tree-view.tsx', () => ({
  TreeView: <T extends TreeNode>(props: {
    label: string;
    nodes: readonly T[];
    renderContent: (row: T, state: TreeRowState) => ReactNode;
  }) => (
    <ul role="tree" aria-label={props.label}>
      {props.nodes.map((node) => (
        <li key={node.id} role="treeitem" aria-selected={false}>
          <span>{node.label}</span> {props.renderContent(node, { isSelected: false, isFocused: false })}
        </li>
      ))}
    </ul>
  ),
}));

const homeserver = setupMswHomeserver();
const USER = '@alice:hs.test';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  window.localStorage.clear();
});
afterEach(cleanup);

function setup(options: { msc3391: boolean }) {
  const hs = homeserver();
  if (options.msc3391) hs.unstableFeatures[MSC3391_FEATURE] = true;
  const client = new MatrixClient(hs.createSession(USER));
  const queryClient = createTestQueryClient();
  // As the fold leaves a first snapshot with a `{}` row (MSC3391 off) and a room's first send.
  const global: ScopeData = replaceScope(undefined, { 'org.kept': { v: 1 } }, ['org.emptied'], 1);
  const rooms: RoomsData = {
    order: ['!r:hs.test'],
    byId: new Map([
      [
        '!r:hs.test',
        {
          info: { roomId: '!r:hs.test', name: 'Room' },
          data: {
            ...replaceScope(undefined, {}, ['org.room.gone'], 1),
            'org.room.kept': liveEntry('org.room.kept', { a: 1 }),
          },
        },
      ],
    ]),
    isComplete: true,
  };
  queryClient.setQueryData(accountDataKeys.global(USER), global);
  queryClient.setQueryData(accountDataKeys.rooms(USER), rooms);
  const view = () => (
    <QueryClientProvider client={queryClient}>
      <AccountDataView client={client} pending={new PendingWrites()} />
    </QueryClientProvider>
  );
  const rendered = render(view());
  return { user: userEvent.setup(), rendered, view };
}

const row = (name: string) =>
  screen.queryByRole('treeitem', { name: new RegExp(`^${name.replace(/\./g, '\\.')}\\b`) });
const showDeleted = () => screen.getByRole<HTMLInputElement>('switch', { name: 'Show deleted' });

describe('AccountDataView: tombstones and the "Show deleted" switch (#8)', () => {
  it('words a tombstone "Deleted (empty content)" on a server without MSC3391', async () => {
    setup({ msc3391: false });
    expect(await screen.findByText('Deleted (empty content)')).toBeDefined();
    expect(within(row('org.emptied')!).getByText('Deleted (empty content)')).toBeDefined();
    expect(within(row('org.kept')!).queryByText(/Deleted/)).toBeNull();
  });

  it('words it plain "Deleted" where the server deletes (MSC3391)', async () => {
    setup({ msc3391: true });
    // Wait for the capabilities to arrive: before that the wording is the neutral "Deleted" too, so
    // also check that the empty-content wording never shows.
    await vi.waitFor(() => {
      expect(within(row('org.emptied')!).getByText('Deleted').getAttribute('title')).toMatch(/vanishes/);
    });
    expect(screen.queryByText('Deleted (empty content)')).toBeNull();
  });

  it('is on by default, hides tombstones when turned off and remembers that per account', async () => {
    const { user, rendered, view } = setup({ msc3391: false });
    expect(showDeleted().checked).toBe(true);
    expect(row('org.emptied')).not.toBeNull();

    await user.click(showDeleted());
    expect(showDeleted().checked).toBe(false);
    expect(row('org.emptied')).toBeNull();
    expect(row('org.kept')).not.toBeNull();
    expect(window.localStorage.getItem(showDeletedKey(USER))).toBe('false');
    expect(showDeletedKey(USER)).toContain(USER);
    // Another account keeps its own setting.
    expect(window.localStorage.getItem(showDeletedKey('@bob:hs.test'))).toBeNull();

    // A new page load of the same account starts with the switch off.
    rendered.unmount();
    act(() => {
      render(view());
    });
    expect(showDeleted().checked).toBe(false);
    expect(row('org.emptied')).toBeNull();

    await user.click(showDeleted());
    expect(row('org.emptied')).not.toBeNull();
    expect(window.localStorage.getItem(showDeletedKey(USER))).toBe('true');
  });
});

describe('AccountDataView: devices, per-device entries and orphans (issue #10)', () => {
  const INFO = 'io.element.matrix_client_information.';

  function setupDevices() {
    const hs = homeserver();
    const client = new MatrixClient(hs.createSession(USER, { deviceId: 'ME' }));
    hs.createSession(USER, { deviceId: 'PHONE' });
    hs.setAccountData(USER, `${INFO}PHONE`, { name: 'Element', version: '1.11.85' });
    hs.setAccountData(USER, `${INFO}GONE`, { name: 'Element', version: '1.0' });
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(
      accountDataKeys.global(USER),
      replaceScope(
        undefined,
        {
          [`${INFO}PHONE`]: { name: 'Element', version: '1.11.85' },
          [`${INFO}GONE`]: { name: 'Element', version: '1.0' },
        },
        [],
        1,
      ),
    );
    queryClient.setQueryData(accountDataKeys.rooms(USER), { order: [], byId: new Map(), isComplete: true });
    queryClient.setQueryData(
      accountDataKeys.deviceData(USER),
      new Map([['PHONE', { 'org.example.phone': liveEntry('org.example.phone', { p: 1 }) }]]),
    );
    const store = createInspectorStore();
    store.getState().actions.rowsExpanded([GROUP_IDS.devices, deviceRowId('PHONE'), ORPHANS_ROW_ID]);
    render(
      <QueryClientProvider client={queryClient}>
        <AccountDataView client={client} pending={new PendingWrites()} store={store} />
      </QueryClientProvider>,
    );
    return { hs, store, user: userEvent.setup() };
  }

  it('lists the devices, says once that MSC4331 is unsupported, and shows the orphan (msw homeserver)', async () => {
    setupDevices();
    // Synapse (and the fake) answer 404 M_UNRECOGNIZED on both MSC4331 paths.
    expect(await screen.findByText('Device account data: not supported by this server')).toBeDefined();
    expect(screen.getAllByText('Device account data: not supported by this server')).toHaveLength(1);
    expect(await screen.findByRole('treeitem', { name: /^PHONE\b.*Element 1\.11\.85/ })).toBeDefined();
    expect(screen.getByRole('treeitem', { name: /^ME\b.*this inspector/ })).toBeDefined();
    expect(screen.getByRole('treeitem', { name: /^Orphaned entries\b/ })).toBeDefined();
    // Under Global and under "Orphaned entries": one entry, two places.
    expect(
      screen.getAllByRole('treeitem', { name: new RegExp(`^${INFO.replace(/\./g, '\\.')}GONE`) }),
    ).toHaveLength(2);
  });

  it('opens the global entry from its alias row under the device (msw homeserver)', async () => {
    const { store } = setupDevices();
    await screen.findByRole('treeitem', { name: /^Orphaned entries\b/ });
    act(() => {
      store
        .getState()
        .actions.rowSelected(aliasRowId(deviceRowId('PHONE'), { kind: 'global' }, `${INFO}PHONE`));
    });
    expect(screen.getByRole('region', { name: `Entry ${INFO}PHONE` })).toBeDefined();
    expect(store.getState().openId).toBe(entryRowId({ kind: 'global' }, `${INFO}PHONE`));
  });

  it("opens another device's entry read-only (msw homeserver)", async () => {
    const { store, hs } = setupDevices();
    await screen.findByRole('treeitem', { name: /^PHONE\b/ });
    act(() => {
      store
        .getState()
        .actions.rowSelected(entryRowId({ kind: 'device', deviceId: 'PHONE' }, 'org.example.phone'));
    });
    const panel = screen.getByRole('region', { name: 'Entry org.example.phone' });
    expect(within(panel).getByText("Read-only: another device's data")).toBeDefined();
    expect(within(panel).getByRole<HTMLButtonElement>('button', { name: 'Save' }).disabled).toBe(true);
    expect(hs.requestsMatching({ method: 'PUT' })).toEqual([]);
  });

  it('deletes the orphans after re-reading the device list (msw homeserver, no MSC3391: PUT {})', async () => {
    const { store, hs, user } = setupDevices();
    await screen.findByRole('treeitem', { name: /^Orphaned entries\b/ });
    act(() => {
      store.getState().actions.rowSelected(ORPHANS_ROW_ID);
    });
    const pane = screen.getByRole('region', { name: 'Orphaned entries' });
    await user.click(within(pane).getByRole('button', { name: 'Delete orphans' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete orphaned entries' });
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([`${INFO}GONE`]);
    const devicesBefore = hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/devices' }).length;
    await user.click(within(dialog).getByRole('button', { name: 'Delete 1 entry' }));
    expect((await screen.findByRole('status', {}, { timeout: 2_000 })).textContent).toContain(
      'Deleted 1 entry',
    );
    expect(hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/devices' }).length).toBe(
      devicesBefore + 1,
    );
    expect(hs.getAccountData(USER, `${INFO}GONE`)).toEqual({});
    // The device's own entry is untouched.
    expect(hs.getAccountData(USER, `${INFO}PHONE`)).toEqual({ name: 'Element', version: '1.11.85' });
    expect(hs.requestsMatching({ method: 'PUT' }).map((r) => r.path)).toEqual([
      `/_matrix/client/v3/user/${USER}/account_data/${INFO}GONE`,
    ]);
  });
});

describe('AccountDataView read-only (admin mode, issue #13)', () => {
  it('refuses every write with the given reason, hides New entry, Delete and Devices, and sends nothing', async () => {
    const hs = homeserver();
    const client = new MatrixClient(hs.createSession(USER));
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(
      accountDataKeys.global(USER),
      replaceScope(undefined, { 'org.example.seen': { v: 1 } }, [], 1),
    );
    queryClient.setQueryData(accountDataKeys.rooms(USER), { order: [], byId: new Map(), isComplete: true });
    const store = createInspectorStore();
    store.getState().actions.rowsExpanded([GROUP_IDS.global]);
    render(
      <QueryClientProvider client={queryClient}>
        <AccountDataView
          client={client}
          pending={new PendingWrites()}
          store={store}
          readOnly={{ title: 'Read-only: admin API snapshot', reason: 'Writes are disabled.' }}
        />
      </QueryClientProvider>,
    );
    expect(await screen.findByRole('treeitem', { name: /^org\.example\.seen\b/ })).toBeDefined();
    expect(screen.queryByRole('button', { name: 'New entry' })).toBeNull();
    expect(screen.queryByRole('treeitem', { name: /^Devices\b/ })).toBeNull();
    act(() => {
      store.getState().actions.rowSelected(entryRowId({ kind: 'global' }, 'org.example.seen'));
    });
    const panel = screen.getByRole('region', { name: 'Entry org.example.seen' });
    expect(within(panel).getByText('Read-only: admin API snapshot')).toBeDefined();
    expect(within(panel).getByText('Writes are disabled.')).toBeDefined();
    expect(within(panel).queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(within(panel).getByRole<HTMLButtonElement>('button', { name: 'Save' }).disabled).toBe(true);
    expect(hs.requestsMatching({})).toEqual([]);
  });
});
