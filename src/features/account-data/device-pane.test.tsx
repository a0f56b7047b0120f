// @vitest-environment jsdom
// The device pane (issue #10): facts, "Look up type" and "Sign out device…" through the real
// MatrixClient on a scripted fetch (user-interactive auth with the password).
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MatrixClient } from '../../matrix/client.ts';
import { ScriptedFetch, json, matrixError } from '../../matrix/testing/scripted-fetch.ts';
import type { Session } from '../../matrix/types.ts';
import { renderWithQueryClient } from '../../test/render.tsx';
import { DevicePane, type DevicePaneProps } from './device-pane.tsx';
import { liveEntry, tombstone, type ScopeData } from './model.ts';

afterEach(cleanup);

const USER = '@alice:hs.example';
const session: Session = {
  baseUrl: 'https://hs.example',
  userId: USER,
  deviceId: 'ME',
  accessToken: 'at-1',
  authApi: 'legacy',
  loginMethod: 'password',
};
const OTHER_PATH = '/_matrix/client/v3/devices/OTHER';
const challenge = json(401, { flows: [{ stages: ['m.login.password'] }], params: {}, session: 'S1' });

const global: ScopeData = {
  'io.element.matrix_client_information.OTHER': liveEntry('io.element.matrix_client_information.OTHER', {
    name: 'Element',
    version: '1.11.85',
    url: 'https://app.element.io',
  }),
};

function setup(props: Partial<DevicePaneProps> = {}) {
  const fake = new ScriptedFetch();
  const client = new MatrixClient(session, { fetch: fake.fetch });
  const onLookUp = vi.fn<(type: string) => void>();
  const onSignedOut = vi.fn<() => void>();
  const rendered = renderWithQueryClient(
    <DevicePane
      client={client}
      device={{
        device_id: 'OTHER',
        display_name: 'Phone',
        last_seen_ts: Date.now() - 3 * 60_000,
        last_seen_ip: '10.0.0.7',
      }}
      isCurrent={false}
      global={global}
      data={undefined}
      deviceSupport={true}
      isReading={false}
      readError={null}
      onLookUp={onLookUp}
      onSignedOut={onSignedOut}
      {...props}
    />,
  );
  const pane = () => screen.getByRole('region', { name: `Device ${props.device?.device_id ?? 'OTHER'}` });
  /** The definition after the term `term` in the facts list. */
  const fact = (term: string) =>
    within(pane()).getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;
  return { ...rendered, fake, client, onLookUp, onSignedOut, pane, fact };
}

describe('DevicePane: facts', () => {
  it('shows the device ID, the client from its client-information entry and when it was last seen', () => {
    const { pane, fact } = setup();
    expect(within(pane()).getByRole('heading', { name: 'Phone' })).toBeDefined();
    expect(fact('Device ID')).toBe('OTHER');
    expect(fact('Client')).toBe('Element 1.11.85 (https://app.element.io)');
    expect(fact('Last seen')).toMatch(/^3 minutes ago from 10\.0\.0\.7$/);
    expect(
      within(pane()).getByText(/Its per-device account data is deleted with the device\./),
    ).toBeDefined();
  });

  it('says so when the client is unknown, the device was never seen, and marks this inspector', () => {
    const { fact, pane } = setup({
      device: { device_id: 'ME' },
      isCurrent: true,
      global: {
        // A deleted client-information entry says nothing.
        'io.element.matrix_client_information.ME': tombstone(
          'io.element.matrix_client_information.ME',
          liveEntry('io.element.matrix_client_information.ME', { name: 'Old' }),
        ),
      },
    });
    expect(fact('Device ID')).toBe('ME (this inspector)');
    expect(fact('Client')).toBe('Unknown (no io.element.matrix_client_information entry)');
    expect(fact('Last seen')).toBe('Never');
    expect(within(pane()).getByRole('heading', { name: 'ME' })).toBeDefined();
  });

  it('counts live per-device entries, or says MSC4331 is unsupported, or that it is reading', () => {
    const data: ScopeData = {
      'org.a': liveEntry('org.a', { a: 1 }),
      'org.b': tombstone('org.b', liveEntry('org.b', { b: 1 })),
    };
    const supported = setup({ data });
    expect(supported.fact('Per-device data')).toBe('1 entry');
    cleanup();
    expect(setup({ deviceSupport: false }).fact('Per-device data')).toBe(
      'Not supported by this server (MSC4331)',
    );
    cleanup();
    expect(setup({ isReading: true }).fact('Per-device data')).toBe('Reading…');
    cleanup();
    const failed = setup({ readError: new Error('M_FORBIDDEN') });
    expect(within(failed.pane()).getByRole('alert').textContent).toContain('M_FORBIDDEN');
  });
});

describe('DevicePane: Look up type', () => {
  const field = () => screen.getByRole<HTMLInputElement>('textbox', { name: 'Look up type' });

  it('refuses a blank or space-padded type with an alert, and looks up a valid one', async () => {
    const { user, onLookUp } = setup();
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    expect(screen.getByRole('alert').textContent).toMatch(/without surrounding spaces/);
    await user.type(field(), ' org.example.settings ');
    await user.click(screen.getByRole('button', { name: 'Look up' }));
    expect(screen.getByRole('alert')).toBeDefined();
    expect(onLookUp).not.toHaveBeenCalled();

    await user.clear(field());
    await user.type(field(), 'org.example.settings{Enter}');
    expect(onLookUp).toHaveBeenCalledExactlyOnceWith('org.example.settings');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(field().value).toBe('');
  });

  it('is not offered when the server lacks MSC4331 or support is unknown', () => {
    setup({ deviceSupport: false });
    expect(screen.queryByRole('textbox', { name: 'Look up type' })).toBeNull();
    cleanup();
    setup({ deviceSupport: undefined });
    expect(screen.queryByRole('textbox', { name: 'Look up type' })).toBeNull();
  });
});

describe('DevicePane: Sign out device', () => {
  it('is not offered for this inspector’s own device', () => {
    setup({ device: { device_id: 'ME' }, isCurrent: true });
    expect(screen.queryByRole('button', { name: 'Sign out device…' })).toBeNull();
  });

  it('signs another device out with the password, then reports it', async () => {
    const { user, fake, onSignedOut } = setup();
    fake.on('DELETE', OTHER_PATH, challenge);
    fake.on('DELETE', OTHER_PATH, json(200, {}));
    await user.click(screen.getByRole('button', { name: 'Sign out device…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out device' });
    const signOut = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Sign out' });
    expect(signOut.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('Password'), 'secret pw');
    await user.click(signOut);
    await vi.waitFor(() => {
      expect(onSignedOut).toHaveBeenCalledOnce();
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['DELETE', OTHER_PATH, {}],
      [
        'DELETE',
        OTHER_PATH,
        {
          auth: {
            type: 'm.login.password',
            identifier: { type: 'm.id.user', user: USER },
            password: 'secret pw',
            session: 'S1',
          },
        },
      ],
    ]);
  });

  it('shows why when the password is wrong, keeps the dialog open and does not report a sign-out', async () => {
    const { user, fake, onSignedOut } = setup();
    fake.on('DELETE', OTHER_PATH, challenge);
    fake.on(
      'DELETE',
      OTHER_PATH,
      matrixError(401, 'M_FORBIDDEN', 'Invalid password', {
        flows: [{ stages: ['m.login.password'] }],
        session: 'S1',
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Sign out device…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out device' });
    await user.type(within(dialog).getByLabelText('Password'), 'wrong{Enter}');
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('The device was not signed out');
    expect(alert.textContent).toContain('The password was not accepted. Nothing was signed out.');
    expect(onSignedOut).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Sign out device' })).toBeDefined();
  });

  it('Cancel closes the dialog without a request', async () => {
    const { user, fake, onSignedOut } = setup();
    await user.click(screen.getByRole('button', { name: 'Sign out device…' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.requests).toEqual([]);
    expect(onSignedOut).not.toHaveBeenCalled();
  });
});
