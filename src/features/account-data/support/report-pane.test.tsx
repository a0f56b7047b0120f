// @vitest-environment jsdom
// Diagnostic report pane (issue #14) against the msw homeserver: generated on open from the caches
// and the server's answers, secret entries named but never shown, no token; copy and downloads.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../../../matrix/client.ts';
import type { Authorization } from '../../../matrix/transport.ts';
import type { DiagnosticReport } from '../../../matrix/report.ts';
import { captureDownloads } from '../../../test/downloads.ts';
import { setupMswHomeserver } from '../../../test/msw-homeserver.ts';
import { renderWithQueryClient } from '../../../test/render.tsx';
import { liveEntry, type RoomsData, type ScopeData } from '../model.ts';
import { PendingWrites } from '../pending-writes.ts';
import { ReportPane } from './report-pane.tsx';
import type { SupportPaneProps } from './support-pane-props.ts';

const homeserver = setupMswHomeserver();
const USER = '@alice:hs.test';
const ROOM = '!room:hs.test';
const SECRET_MARKER = 'SECRET-IV-7731';

afterEach(cleanup);

const downloads = captureDownloads();

const global: ScopeData = {
  'm.direct': liveEntry('m.direct', { '@bob:hs.test': [ROOM] }),
  'm.secret_storage.key.k': liveEntry('m.secret_storage.key.k', {
    algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
    iv: SECRET_MARKER,
  }),
  'io.element.matrix_client_information.PHONE': liveEntry('io.element.matrix_client_information.PHONE', {
    name: 'Element X',
    version: '25.11.0',
  }),
};
const rooms: RoomsData = {
  order: [ROOM],
  byId: new Map([
    [
      ROOM,
      {
        info: { roomId: ROOM, name: 'Room' },
        data: { 'org.example.r': liveEntry('org.example.r', { v: 1 }) },
      },
    ],
  ]),
  isComplete: true,
};

function setup(over: Partial<SupportPaneProps> = {}) {
  const hs = homeserver();
  hs.keyBackup = {
    algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
    auth_data: {},
    count: 12,
    etag: '1',
    version: '4',
  };
  const session = hs.createSession(USER, { deviceId: 'DEV' });
  const client = new MatrixClient(session);
  const props: SupportPaneProps = {
    client,
    global,
    rooms,
    devices: [
      { device_id: 'DEV', display_name: 'Inspector' },
      { device_id: 'PHONE', display_name: 'Phone', last_seen_ts: Date.UTC(2026, 10, 1) },
    ],
    deviceData: undefined,
    deviceSupport: false,
    pending: new PendingWrites(),
    onWrite: undefined,
    readOnly: undefined,
    syncTransport: 'sliding',
    onOpenEntry: vi.fn(),
    ...over,
  };
  const rendered = renderWithQueryClient(<ReportPane {...props} />);
  const pane = () => screen.getByRole('region', { name: 'Diagnostic report' });
  const markdown = () => within(pane()).getByLabelText('Report (Markdown)').textContent;
  const ready = () =>
    waitFor(() => {
      expect(within(pane()).getByRole('button', { name: 'Download JSON' })).toHaveProperty('disabled', false);
    });
  return { hs, client, session, pane, markdown, ready, ...rendered };
}

describe('ReportPane', () => {
  it('shows the report at once: server, transport, devices and clients, key backup, secret named only', async () => {
    const { markdown, ready, session } = setup();
    await ready();
    const md = markdown();
    expect(md).toContain('- Homeserver: https://hs.test');
    expect(md).toContain('- Spec versions: v1.11, v1.12');
    expect(md).toContain('- Sync transport: Simplified sliding sync (MSC4186)');
    expect(md).toContain('| `DEV` (this session) | Inspector |');
    expect(md).toContain('| `PHONE` | Phone | Element X 25.11.0 |');
    expect(md).toContain('- Server backup: version 4, m.megolm_backup.v1.curve25519-aes-sha2, 12 keys');
    expect(md).toContain('`m.secret_storage.key.k`');
    expect(md).not.toContain(SECRET_MARKER);
    expect(md).not.toContain(session.accessToken);
  });

  it('downloads Markdown and JSON (the JSON parses), and copies the Markdown', async () => {
    const { pane, ready, user, markdown, session } = setup();
    await ready();
    await user.click(within(pane()).getByRole('button', { name: 'Download Markdown' }));
    await user.click(within(pane()).getByRole('button', { name: 'Download JSON' }));
    expect(downloads.map((d) => d.name)).toEqual([
      expect.stringMatching(/^diagnostic-report-hs\.test-[\dT-]+Z\.md$/),
      expect.stringMatching(/^diagnostic-report-hs\.test-[\dT-]+Z\.json$/),
    ]);
    expect(await downloads[0]!.blob.text()).toBe(markdown());
    const jsonText = await downloads[1]!.blob.text();
    const doc = JSON.parse(jsonText) as DiagnosticReport;
    expect(doc).toMatchObject({
      format: 'account-data-inspector/diagnostic-report',
      account: { userId: USER, deviceId: 'DEV' },
      sync: { transport: 'sliding' },
      secretTypes: ['m.secret_storage.key.k'],
    });
    expect(jsonText).not.toContain(SECRET_MARKER);
    expect(jsonText).not.toContain(session.accessToken);

    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(within(pane()).getByRole('button', { name: 'Copy Markdown' }));
    expect(writeText).toHaveBeenCalledWith(markdown());
    expect(await within(pane()).findByText('Copied the report (Markdown) to the clipboard.')).toBeTruthy();
  });

  it('is live: a schema problem appears when the data changes', async () => {
    const { ready, markdown, rerender, client } = setup();
    await ready();
    expect(markdown()).toMatch(/No problems found|problems? in/);
    const broken: ScopeData = { ...global, 'm.direct': liveEntry('m.direct', { '@bob:hs.test': ROOM }) };
    rerender(
      <ReportPane
        client={client}
        global={broken}
        rooms={rooms}
        devices={[]}
        deviceData={undefined}
        deviceSupport={false}
        pending={new PendingWrites()}
        onWrite={undefined}
        readOnly={undefined}
        syncTransport="v3"
        onOpenEntry={vi.fn()}
      />,
    );
    await waitFor(() => {
      expect(markdown()).toMatch(/- error: `m\.direct` \(global\)/);
    });
    expect(markdown()).toContain('- Sync transport: /v3/sync (fallback)');
  });

  it('a read-only view (a client without a user session) reads nothing through the client and says so', async () => {
    const snapshotOnly: Authorization = {
      userId: USER,
      deviceId: undefined,
      prepare: () => Promise.reject(new Error('read-only')),
      recover: () => Promise.resolve(false),
      secrets: () => [],
    };
    const { hs, markdown, pane } = setup({
      client: MatrixClient.forAuthorization(snapshotOnly, { baseUrl: 'https://hs.test' }),
      readOnly: { title: 'Read-only', reason: 'An administrator’s view' },
      syncTransport: null,
    });
    await waitFor(() => {
      expect(within(pane()).getByRole('button', { name: 'Download JSON' })).toHaveProperty('disabled', false);
    });
    expect(hs.requestsMatching({ method: 'GET' })).toEqual([]);
    expect(markdown()).toContain('- Server backup: unknown (not read in a read-only view)');
    expect(markdown()).toContain('read-only view');
    expect(markdown()).toContain(`- Account: \`${USER}\`\n`);
  });
});
