// @vitest-environment jsdom
// Export / import pane (issue #14) against the msw homeserver: the export download is redacted by
// default, a bad file changes nothing, the import lists what would change and writes only the
// selected entries through the usual write path, each with its outcome; read-only: export only.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../../../matrix/client.ts';
import { REDACTED_CONTENT } from '../../../matrix/redaction.ts';
import { captureDownloads } from '../../../test/downloads.ts';
import { setupMswHomeserver } from '../../../test/msw-homeserver.ts';
import { renderWithQueryClient } from '../../../test/render.tsx';
import { liveEntry, type RoomsData, type ScopeData } from '../model.ts';
import { PendingWrites } from '../pending-writes.ts';
import type { SupportPaneProps } from './support-pane-props.ts';
import { TransferPane } from './transfer-pane.tsx';
import type { WriteEvent } from '../write-events.ts';

vi.mock('../../../editor/diff-view.tsx', () => import('../../../test/editor-doubles.tsx'));

const homeserver = setupMswHomeserver();
const USER = '@alice:hs.test';
const ROOM = '!room:hs.test';

afterEach(cleanup);

const downloads = captureDownloads();

const global: ScopeData = {
  'org.example.a': liveEntry('org.example.a', { v: 1 }),
  'org.example.b': liveEntry('org.example.b', { v: 1 }),
  'm.secret_storage.key.k': liveEntry('m.secret_storage.key.k', { iv: 'SECRET-IV' }),
};
const rooms: RoomsData = {
  order: [ROOM],
  byId: new Map([
    [
      ROOM,
      {
        info: { roomId: ROOM, name: 'Room' },
        data: { 'm.fully_read': liveEntry('m.fully_read', { event_id: '$e' }) },
      },
    ],
  ]),
  isComplete: true,
};

function setup(over: Partial<SupportPaneProps> = {}) {
  const hs = homeserver();
  const client = new MatrixClient(hs.createSession(USER, { deviceId: 'DEV' }));
  const writes: WriteEvent[] = [];
  const props: SupportPaneProps = {
    client,
    global,
    rooms,
    devices: undefined,
    deviceData: undefined,
    deviceSupport: false,
    pending: new PendingWrites(),
    onWrite: (e) => writes.push(e),
    readOnly: undefined,
    onOpenEntry: vi.fn(),
    ...over,
  };
  const rendered = renderWithQueryClient(<TransferPane {...props} />);
  const pane = () => screen.getByRole('region', { name: 'Export and import' });
  const upload = async (content: string, name = 'export.json') => {
    await rendered.user.upload(
      within(pane()).getByLabelText('Import file'),
      new File([content], name, { type: 'application/json' }),
    );
  };
  const puts = () => hs.requestsMatching({ method: 'PUT' }).map((r) => [r.path, r.body]);
  return { hs, client, props, writes, pane, upload, puts, ...rendered };
}

const file = (over: object = {}) =>
  JSON.stringify({
    format: 'account-data-inspector/export',
    formatVersion: 1,
    account: USER,
    server: 'https://hs.test',
    exportedAt: '2026-12-01T10:00:00.000Z',
    includesSecrets: false,
    global: {
      'org.example.a': { v: 2 },
      'org.example.b': { v: 9 },
      'org.example.c': { fresh: true },
      'm.secret_storage.key.k': REDACTED_CONTENT,
    },
    rooms: { [ROOM]: { 'm.fully_read': { event_id: '$other' } } },
    ...over,
  });

describe('TransferPane', () => {
  it('exports every live entry with secrets redacted by default, and in full only when ticked', async () => {
    const { user, pane } = setup();
    expect(
      within(pane()).getByText(/4 entries .* 1 entry holds encryption secrets and will be redacted/),
    ).toBeTruthy();
    await user.click(within(pane()).getByRole('button', { name: 'Export JSON' }));
    const first = JSON.parse(await downloads[0]!.blob.text()) as Record<string, unknown>;
    expect(downloads[0]!.name).toMatch(/^account-data-alice_hs\.test-\d{4}-\d\d-\d\d\.json$/);
    expect(first).toMatchObject({
      format: 'account-data-inspector/export',
      formatVersion: 1,
      account: USER,
      includesSecrets: false,
      global: { 'org.example.a': { v: 1 }, 'm.secret_storage.key.k': REDACTED_CONTENT },
      rooms: { [ROOM]: { 'm.fully_read': { event_id: '$e' } } },
    });
    const text = await downloads[0]!.blob.text();
    expect(text).not.toContain('SECRET-IV');
    expect(text).not.toContain('access_token');

    await user.click(within(pane()).getByRole('checkbox', { name: 'Include secrets' }));
    expect(within(pane()).getByRole('alert').textContent).toMatch(/encryption secrets/);
    await user.click(within(pane()).getByRole('button', { name: 'Export JSON' }));
    expect(await downloads[1]!.blob.text()).toContain('SECRET-IV');
    expect(downloads[1]!.name).toMatch(/-with-secrets\.json$/);
  });

  it('refuses a bad file with a message and changes nothing', async () => {
    const { upload, pane, puts } = setup();
    await upload('{"format": "other"}', 'bad.json');
    expect((await within(pane()).findByRole('alert')).textContent).toMatch(
      /bad\.json: The file is not an Account Data Inspector export.*Nothing was changed\./,
    );
    expect(within(pane()).queryByRole('button', { name: 'Apply selected' })).toBeNull();
    await upload('not json', 'worse.json');
    await vi.waitFor(() => {
      expect(within(pane()).getByRole('alert').textContent).toMatch(/worse\.json: The file is not JSON/);
    });
    expect(puts()).toEqual([]);
  });

  it('lists what would change with diffs, and writes only the selected entries, each with its outcome', async () => {
    const { upload, pane, puts, user, hs, writes } = setup();
    hs.fail(
      { method: 'PUT', path: /org\.example\.b$/ },
      { status: 403, errcode: 'M_FORBIDDEN', error: 'nope' },
    );
    await upload(file());
    expect((await within(pane()).findByRole('status', { name: 'Import summary' })).textContent).toMatch(
      /2 changed, 0 unchanged, 2 skipped/,
    );
    const list = within(pane()).getByRole('list', { name: 'Entries to import' });
    expect(
      within(list)
        .getAllByRole('checkbox')
        .map((c) => c.getAttribute('aria-checked') ?? (c as HTMLInputElement).checked),
    ).toEqual([true, true, true]);
    // The diff of a changed entry: server version → file.
    expect(within(list).getByLabelText('Changes to org.example.a (global)').textContent).toMatch(/"v": 2/);
    const skipped = within(pane()).getByRole('list', { name: 'Skipped entries' });
    expect(skipped.textContent).toMatch(
      /m\.fully_read \(room !room:hs\.test\): skipped — m\.fully_read is managed by the server/,
    );
    expect(skipped.textContent).toMatch(
      /m\.secret_storage\.key\.k \(global\): skipped — Redacted in the file/,
    );

    await user.click(within(list).getByRole('checkbox', { name: 'Import org.example.c (global)' }));
    await user.click(within(pane()).getByRole('button', { name: 'Apply selected' }));
    const results = await within(pane()).findByRole('list', { name: 'Outcome per entry' });
    await vi.waitFor(() => {
      expect(within(pane()).getByRole('region', { name: 'Import results' }).textContent).toMatch(
        /Applied: 1 saved, 1 failed\./,
      );
    });
    expect(results.textContent).toMatch(/org\.example\.a \(global\): saved/);
    expect(results.textContent).toMatch(
      /org\.example\.b \(global\): failed — The homeserver does not allow this: nope/,
    );
    expect(puts()).toEqual([
      [`/_matrix/client/v3/user/${USER}/account_data/org.example.a`, { v: 2 }],
      [`/_matrix/client/v3/user/${USER}/account_data/org.example.b`, { v: 9 }],
    ]);
    expect(hs.getAccountData(USER, 'org.example.c')).toBeUndefined();
    expect(writes.map((w) => [w.type, w.outcome])).toEqual([
      ['org.example.a', 'ok'],
      ['org.example.b', 'failed'],
    ]);
  });

  it('opens a changed entry in the inspector; unchanged entries are listed only when their list is opened', async () => {
    const { upload, pane, user, props } = setup();
    await upload(file({ global: { 'org.example.a': { v: 5 }, 'org.example.b': { v: 1 } }, rooms: {} }));
    await user.click(await within(pane()).findByRole('button', { name: 'Open org.example.a (global)' }));
    expect(props.onOpenEntry).toHaveBeenCalledWith({ scope: { kind: 'global' }, type: 'org.example.a' });
    expect(within(pane()).queryByRole('list', { name: 'Unchanged entries' })).toBeNull();
    await user.click(within(pane()).getByText('1 unchanged entry'));
    expect(within(pane()).getByRole('list', { name: 'Unchanged entries' }).textContent).toMatch(
      /org\.example\.b \(global\): unchanged/,
    );
  });

  it('read-only view: export only', () => {
    const { pane } = setup({
      readOnly: { title: 'Read-only: admin view', reason: 'You are looking at another user.' },
    });
    expect(within(pane()).getByRole('button', { name: 'Export JSON' })).toBeTruthy();
    expect(within(pane()).queryByLabelText('Import file')).toBeNull();
    expect(within(pane()).getByText(/Import is off: Read-only: admin view/)).toBeTruthy();
  });
});
