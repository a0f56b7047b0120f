// @vitest-environment jsdom
// Adding a namespace user: validated before any request, then checked with the server (msw homeserver).
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppserviceAuthorization } from '../../matrix/authorization.ts';
import { MatrixClient } from '../../matrix/client.ts';
import { HS_BASE_URL, setupMswHomeserver } from '../../test/msw-homeserver.ts';
import { renderWithQueryClient } from '../../test/render.tsx';
import { AddUserForm } from './add-user-form.tsx';

const homeserver = setupMswHomeserver();
afterEach(cleanup);

const SENDER = '@_bridge:hs.test';
const REGEX = '@_bridge_.*:hs\\.test';

function setup(users: string[] = [SENDER]) {
  const hs = homeserver();
  hs.addAppservice({ asToken: 'as', senderUserId: SENDER, userRegexes: [new RegExp(REGEX)] });
  const service = new AppserviceAuthorization({ asToken: 'as', userId: SENDER });
  const onAdd = vi.fn<(userId: string) => void>();
  const onSelect = vi.fn<(userId: string) => void>();
  const view = renderWithQueryClient(
    <AddUserForm
      namespace={{ senderUserId: SENDER, userRegexes: [REGEX] }}
      users={users}
      check={(userId) =>
        MatrixClient.forAuthorization(service.forUser(userId), { baseUrl: HS_BASE_URL }).whoami()
      }
      onAdd={onAdd}
      onSelect={onSelect}
    />,
  );
  const add = async (userId: string) => {
    const input = screen.getByRole('textbox', { name: 'User ID' });
    await view.user.clear(input);
    if (userId !== '') await view.user.type(input, userId);
    await view.user.click(screen.getByRole('button', { name: 'Add user' }));
  };
  return { hs, onAdd, onSelect, add };
}

describe('AddUserForm (msw homeserver)', () => {
  it('refuses a user outside the namespace before any request', async () => {
    const { hs, onAdd, add } = setup();
    await add('@alice:hs.test');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('@alice:hs.test is outside the namespace');
    expect(alert.textContent).toContain(REGEX);
    // Synapse's re.match anchors at the start only: a namespace regex does not match mid-ID.
    await add('@x_bridge_a:hs.test');
    expect((await screen.findByRole('alert')).textContent).toContain('outside the namespace');
    expect(hs.requests).toHaveLength(0);
    expect(onAdd).not.toHaveBeenCalled();
    expect(screen.getByRole('textbox', { name: 'User ID' }).getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses what is not a user ID, before any request', async () => {
    const { hs, add } = setup();
    await add('alice');
    expect((await screen.findByRole('alert')).textContent).toBe(
      '“alice” is not a user ID (@localpart:server).',
    );
    await add('');
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Enter a user ID/);
    expect(hs.requests).toHaveLength(0);
  });

  it('adds a namespace user the server accepts, after one whoami asserting it', async () => {
    const { hs, onAdd, add } = setup();
    hs.registerUser('@_bridge_alice:hs.test');
    await add('@_bridge_alice:hs.test');
    await vi.waitFor(() => {
      expect(onAdd).toHaveBeenCalledWith('@_bridge_alice:hs.test');
    });
    const [request] = hs.requests;
    expect(hs.requests).toHaveLength(1);
    expect(new URL(request!.url).searchParams.get('user_id')).toBe('@_bridge_alice:hs.test');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("explains the server's 403 for a namespace user that does not exist", async () => {
    const { onAdd, add } = setup();
    await add('@_bridge_ghost:hs.test');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The homeserver refused to act for @_bridge_ghost:hs.test');
    expect(alert.textContent).toContain('Application service has not registered this user');
    expect(alert.textContent).toContain('register the user first');
    expect(onAdd).not.toHaveBeenCalled();
  });

  it('selects a user already added instead of adding it again (the sender too)', async () => {
    const { hs, onAdd, onSelect, add } = setup();
    await add(SENDER);
    expect(onSelect).toHaveBeenCalledWith(SENDER);
    expect(onAdd).not.toHaveBeenCalled();
    expect(hs.requests).toHaveLength(0);
  });
});
