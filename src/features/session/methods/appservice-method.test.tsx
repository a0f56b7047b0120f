// @vitest-environment jsdom
// The application-service sign-in method on the sign-in page, against an msw homeserver.
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnySession, ServerCapabilities } from '../../../matrix/types.ts';
import { HS_BASE_URL, setupMswHomeserver } from '../../../test/msw-homeserver.ts';
import { renderWithQueryClient } from '../../../test/render.tsx';
import { SignInPage } from '../sign-in-page.tsx';

const homeserver = setupMswHomeserver();
afterEach(cleanup);

const SENDER = '@_bridge:hs.test';
const AS_TOKEN = 'as_token_secret_1';
const HS_TOKEN = 'hs_token_secret_2';
const REGISTRATION = `id: test-bridge
url: 'http://127.0.0.1:9010'
as_token: ${AS_TOKEN}
hs_token: ${HS_TOKEN}
sender_localpart: _bridge
namespaces:
  users:
    - exclusive: true
      regex: '@_bridge_.*:hs\\.test'
`;

type OnSignedIn = (session: AnySession, remember: boolean, capabilities: ServerCapabilities) => void;

async function open() {
  const hs = homeserver();
  hs.addAppservice({ asToken: AS_TOKEN, senderUserId: SENDER, userRegexes: [/@_bridge_.*:hs\.test/] });
  const onSignedIn = vi.fn<OnSignedIn>();
  const { user } = renderWithQueryClient(<SignInPage onSignedIn={onSignedIn} />);
  await user.type(screen.getByRole('textbox', { name: 'Homeserver' }), HS_BASE_URL);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  const reveal = await screen.findByRole('button', { name: 'Sign in as an application service' });
  expect(screen.queryByRole('textbox', { name: 'Registration YAML' })).toBeNull();
  await user.click(reveal);
  expect(reveal.getAttribute('aria-expanded')).toBe('true');
  const yaml = screen.getByRole('textbox', { name: 'Registration YAML' });
  const paste = async (text: string) => {
    await user.clear(yaml);
    // Typed with user.type, `{` and `[` would be key descriptors: paste instead.
    await user.click(yaml);
    await user.paste(text);
    await user.click(screen.getByRole('button', { name: 'Sign in as application service' }));
  };
  return { hs, onSignedIn, paste };
}

describe('Application-service sign-in (msw homeserver)', () => {
  it('checks the as_token with whoami and signs in as the sender, keeping no hs_token', async () => {
    const { hs, onSignedIn, paste } = await open();
    await paste(REGISTRATION);
    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledOnce();
    });
    const [session] = onSignedIn.mock.calls[0]!;
    expect(session).toEqual({
      kind: 'appservice',
      baseUrl: HS_BASE_URL,
      asToken: AS_TOKEN,
      registrationId: 'test-bridge',
      senderUserId: SENDER,
      userRegexes: ['@_bridge_.*:hs\\.test'],
      url: 'http://127.0.0.1:9010',
    });
    expect(JSON.stringify(session)).not.toContain(HS_TOKEN);
    const whoami = hs.requestsMatching({ path: '/_matrix/client/v3/account/whoami' });
    expect(whoami).toHaveLength(1);
    expect(whoami[0]?.headers.authorization).toBe(`Bearer ${AS_TOKEN}`);
    for (const request of hs.requests) {
      expect(request.url).not.toContain(AS_TOKEN);
      expect(JSON.stringify(request.headers)).not.toContain(HS_TOKEN);
      expect(JSON.stringify(request.body ?? null)).not.toContain(HS_TOKEN);
    }
  });

  it('explains an invalid registration without sending anything', async () => {
    const { hs, onSignedIn, paste } = await open();
    const before = hs.requests.length;
    await paste('id: x\nhs_token: h\n');
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'The registration lacks as_token, sender_localpart (strings the homeserver requires too).',
    );
    await paste('id: [unclosed\n');
    expect((await screen.findByRole('alert')).textContent).toMatch(/^The registration is not valid YAML: /);
    expect(hs.requests.length).toBe(before);
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('explains an as_token the server does not know', async () => {
    const { onSignedIn, paste } = await open();
    await paste(REGISTRATION.replace(AS_TOKEN, 'not-installed'));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^The homeserver does not know this as_token\. Is the registration listed in the server’s app_service_config_files/,
    );
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("refuses a user's access token pasted as the as_token", async () => {
    const { hs, onSignedIn, paste } = await open();
    const session = hs.createSession('@_bridge:hs.test', { accessToken: 'user_token' });
    await paste(REGISTRATION.replace(AS_TOKEN, session.accessToken));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not this application service's token/);
    expect(onSignedIn).not.toHaveBeenCalled();
  });
});
