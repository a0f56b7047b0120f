// @vitest-environment jsdom
// The sign-in screen against an msw homeserver, through the real discovery and auth code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnySession, ServerCapabilities, Session } from '../../matrix/types.ts';
import { HS_BASE_URL, setupMswHomeserver, type FakeHomeserver } from '../../test/msw-homeserver.ts';
import { createTestQueryClient, renderWithQueryClient } from '../../test/render.tsx';
import { SignInPage } from './sign-in-page.tsx';

const homeserver = setupMswHomeserver();
afterEach(cleanup);

const USER = '@alice:hs.test';
const PASSWORD = 'correct horse battery';

type OnSignedIn = (session: AnySession, remember: boolean, capabilities: ServerCapabilities) => void;
/** Any capabilities probed on the msw homeserver. */
const probedCapabilities = expect.objectContaining({ baseUrl: HS_BASE_URL }) as ServerCapabilities;

function renderPage() {
  const hs = homeserver();
  hs.addUser(USER, PASSWORD);
  const onSignedIn = vi.fn<OnSignedIn>();
  const view = renderWithQueryClient(<SignInPage onSignedIn={onSignedIn} />);
  const discover = async (input: string) => {
    await view.user.type(screen.getByRole('textbox', { name: 'Homeserver' }), input);
    await view.user.click(screen.getByRole('button', { name: 'Continue' }));
  };
  return { hs, onSignedIn, discover, user: view.user };
}

/** The class selectors the shared theme defines (src/components/theme.css). */
const themeCss = readFileSync(join(import.meta.dirname, '../../components/theme.css'), 'utf8');
const THEME_CLASSES = new Set([...themeCss.matchAll(/\.([a-z][\w-]*)/g)].map((m) => m[1]));

/** A banner rendered through the shared `Banner`: theme classes only, never the undefined `banner--error`. */
function expectThemeBanner(element: HTMLElement, tone: 'critical' | 'warning') {
  const classes = element.className.split(/\s+/);
  expect(classes).toContain('banner');
  expect(classes).toContain(`banner--${tone}`);
  expect(classes).not.toContain('banner--error');
  expect(classes.filter((c) => !THEME_CLASSES.has(c))).toEqual([]);
}

/** No URL the homeserver saw may carry a secret (tokens go in the Authorization header only). */
function expectNoSecretInUrls(hs: FakeHomeserver, secrets: readonly string[]) {
  expect(hs.requests.length).toBeGreaterThan(0);
  for (const request of hs.requests) {
    for (const secret of secrets) {
      expect(request.url).not.toContain(secret);
      expect(request.url).not.toContain(encodeURIComponent(secret));
    }
  }
}

describe('SignInPage', () => {
  it('discovers a homeserver URL, then offers the password form (msw homeserver)', async () => {
    const { hs, discover } = renderPage();
    await discover(HS_BASE_URL);

    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    expect(within(form).getByRole('textbox', { name: 'Username' })).toBeDefined();
    expect(within(form).getByLabelText('Password')).toHaveProperty('type', 'password');
    expect(within(form).getByRole('button', { name: 'Sign in' })).toBeDefined();
    expect(screen.getByRole('form', { name: 'Sign in with an access token' })).toBeDefined();
    expect(screen.getByText(HS_BASE_URL).tagName).toBe('STRONG');
    expect(screen.getByText(/no sliding sync here/)).toBeDefined();
    expect(hs.requestsMatching({ method: 'GET', path: '/_matrix/client/versions' }).length).toBeGreaterThan(
      0,
    );
    expect(hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/login' })).toHaveLength(1);
  });

  it('signs in with a password and reports the session and the remember flag (msw homeserver)', async () => {
    const { hs, discover, onSignedIn, user } = renderPage();
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    await user.type(within(form).getByRole('textbox', { name: 'Username' }), 'alice');
    await user.type(within(form).getByLabelText('Password'), PASSWORD);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledOnce();
    });
    const [session, remember] = onSignedIn.mock.calls[0]! as [Session, boolean, ServerCapabilities];
    expect(remember).toBe(true);
    expect(session).toEqual({
      baseUrl: HS_BASE_URL,
      userId: USER,
      deviceId: expect.any(String) as string,
      accessToken: expect.stringMatching(/^syt_fake_token_/) as string,
      authApi: 'legacy',
      loginMethod: 'password',
    });

    const logins = hs.requestsMatching({ method: 'POST', path: '/_matrix/client/v3/login' });
    expect(logins.map((r) => r.body)).toEqual([
      {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: 'alice' },
        password: PASSWORD,
        initial_device_display_name: 'Account Data Inspector',
        refresh_token: true,
      },
    ]);
    expect(logins[0]?.headers.authorization).toBeUndefined();
    expectNoSecretInUrls(hs, [session.accessToken, PASSWORD]);
  });

  it('passes remember = false when "Remember me" is unchecked (msw homeserver)', async () => {
    const { discover, onSignedIn, user } = renderPage();
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    await user.click(screen.getByRole('checkbox', { name: 'Remember me on this browser' }));
    await user.type(within(form).getByRole('textbox', { name: 'Username' }), USER);
    await user.type(within(form).getByLabelText('Password'), PASSWORD);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledWith(
        expect.objectContaining({ userId: USER }),
        false,
        probedCapabilities,
      );
    });
  });

  it('discovers from a user ID through .well-known and prefills the username (msw homeserver)', async () => {
    const { hs, discover } = renderPage();
    await discover(USER);
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Username' }).value).toBe(USER);
    expect(hs.requestsMatching({ method: 'GET', path: '/.well-known/matrix/client' })).toHaveLength(1);
  });

  it('says "Wrong username or password." on 403 M_FORBIDDEN (msw homeserver)', async () => {
    const { hs, discover, onSignedIn, user } = renderPage();
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    await user.type(within(form).getByRole('textbox', { name: 'Username' }), 'alice');
    await user.type(within(form).getByLabelText('Password'), 'wrong password');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    expect((await within(form).findByRole('alert')).textContent).toBe('Wrong username or password.');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(hs.requestsMatching({ method: 'POST', path: '/_matrix/client/v3/login' })).toHaveLength(1);
  });

  it('shows other login refusals with the server reason (msw homeserver)', async () => {
    const { hs, discover, user } = renderPage();
    hs.fail(
      { method: 'POST', path: '/_matrix/client/v3/login' },
      { status: 403, errcode: 'M_USER_DEACTIVATED', error: 'This account has been deactivated' },
    );
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    await user.type(within(form).getByRole('textbox', { name: 'Username' }), 'alice');
    await user.type(within(form).getByLabelText('Password'), PASSWORD);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('This account has been deactivated.');
  });

  it('explains an unreachable homeserver (msw homeserver)', async () => {
    const { hs, discover } = renderPage();
    hs.isReachable = false;
    await discover(HS_BASE_URL);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^Could not reach a homeserver at https:\/\/hs\.test\. It may be down/);
    expect(screen.queryByRole('form', { name: 'Sign in with password' })).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Continue' }).disabled).toBe(false);
  });

  it('rejects input that is not a homeserver before any request (msw homeserver)', async () => {
    const { hs, discover } = renderPage();
    await discover('not a server');
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^"not a server" is not a server name, user ID or URL/,
    );
    expect(hs.requests).toEqual([]);
  });

  it('offers only the access-token form when the server has no password login (msw homeserver)', async () => {
    const { hs, discover } = renderPage();
    hs.loginFlows = [{ type: 'm.login.token' }];
    await discover(HS_BASE_URL);
    expect(await screen.findByRole('form', { name: 'Sign in with an access token' })).toBeDefined();
    expect(screen.queryByRole('form', { name: 'Sign in with password' })).toBeNull();
  });

  it('validates an access token with whoami and signs in with it (msw homeserver)', async () => {
    const { hs, discover, onSignedIn, user } = renderPage();
    const existing = hs.createSession(USER, { deviceId: 'INSPECTOR', accessToken: 'syt_existing_secret' });
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with an access token' });
    await user.type(within(form).getByLabelText('Access token'), ` ${existing.accessToken} `);
    await user.click(within(form).getByRole('button', { name: 'Sign in with token' }));

    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledOnce();
    });
    expect(onSignedIn).toHaveBeenCalledWith(
      {
        baseUrl: HS_BASE_URL,
        userId: USER,
        deviceId: 'INSPECTOR',
        accessToken: 'syt_existing_secret',
        authApi: 'legacy',
        loginMethod: 'token',
      },
      true,
      probedCapabilities,
    );
    const whoami = hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/account/whoami' });
    expect(whoami.map((r) => r.headers.authorization)).toEqual(['Bearer syt_existing_secret']);
    expect(hs.requestsMatching({ method: 'POST' })).toEqual([]);
    expectNoSecretInUrls(hs, ['syt_existing_secret']);
  });

  it('refuses an access token the server does not know (msw homeserver)', async () => {
    const { hs, discover, onSignedIn, user } = renderPage();
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with an access token' });
    await user.type(within(form).getByLabelText('Access token'), 'syt_revoked_token');
    await user.click(within(form).getByRole('button', { name: 'Sign in with token' }));

    expect((await within(form).findByRole('alert')).textContent).toBe(
      'That access token is not valid on this homeserver (it may have been revoked or belong to another server).',
    );
    expect(onSignedIn).not.toHaveBeenCalled();
    expectNoSecretInUrls(hs, ['syt_revoked_token']);
  });

  it('after a soft logout, goes straight to the server and signs in again on the same device (msw homeserver)', async () => {
    const hs = homeserver();
    hs.addUser(USER, PASSWORD);
    const onSignedIn = vi.fn<OnSignedIn>();
    const { user } = renderWithQueryClient(
      <SignInPage
        onSignedIn={onSignedIn}
        notice="Your session expired. Sign in again to continue."
        resume={{ baseUrl: HS_BASE_URL, userId: USER, deviceId: 'KEEPME' }}
      />,
    );
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Username' }).value).toBe(USER);
    await user.type(within(form).getByLabelText('Password'), PASSWORD);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledOnce();
    });
    const logins = hs.requestsMatching({ method: 'POST', path: '/_matrix/client/v3/login' });
    expect(logins.map((r) => (r.body as { device_id?: string }).device_id)).toEqual(['KEEPME']);
  });

  it('hands the probed capabilities to onSignedIn, without probing again to sign in (msw homeserver)', async () => {
    const { hs, discover, onSignedIn, user } = renderPage();
    hs.versions = ['v1.12', 'v1.13'];
    hs.unstableFeatures = { 'org.matrix.simplified_msc3575': true, 'org.matrix.msc3391': false };
    await discover(HS_BASE_URL);
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    expect(screen.queryByText(/no sliding sync here/)).toBeNull();
    await user.type(within(form).getByRole('textbox', { name: 'Username' }), 'alice');
    await user.type(within(form).getByLabelText('Password'), PASSWORD);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));

    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledOnce();
    });
    const [session, remember, capabilities] = onSignedIn.mock.calls[0]! as [
      Session,
      boolean,
      ServerCapabilities,
    ];
    expect(session.userId).toBe(USER);
    expect(remember).toBe(true);
    expect(capabilities).toEqual({
      baseUrl: HS_BASE_URL,
      versions: ['v1.12', 'v1.13'],
      unstableFeatures: { 'org.matrix.simplified_msc3575': true, 'org.matrix.msc3391': false },
      slidingSync: true,
      accountDataDelete: false,
      loginFlows: [{ type: 'm.login.password' }],
      ssoProviders: [],
      oauth: null,
    });
    expect(hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/login' })).toHaveLength(1);
  });

  it('renders errors through the shared Banner with theme classes, not "banner--error" (msw homeserver)', async () => {
    const { hs, discover, user } = renderPage();
    hs.isReachable = false;
    await discover(HS_BASE_URL);
    expectThemeBanner(await screen.findByRole('alert'), 'critical');

    hs.isReachable = true;
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(within(form).getByRole('textbox', { name: 'Username' }), 'alice');
    await user.type(within(form).getByLabelText('Password'), 'wrong password');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toBe('Wrong username or password.');
    expectThemeBanner(alert, 'critical');
  });

  it('offers each identity provider as "Continue with <name>" in a "Single sign-on" group, after password (msw homeserver)', async () => {
    const { hs, discover } = renderPage();
    hs.loginFlows = [
      { type: 'm.login.password' },
      {
        type: 'm.login.sso',
        identity_providers: [
          { id: 'oidc-github', name: 'GitHub', icon: 'mxc://hs.test/abc' },
          { id: 'oidc-corp', name: 'Corp' },
        ],
      },
    ];
    await discover(HS_BASE_URL);
    const methods = await screen.findByRole('region', { name: 'Sign-in methods' });
    expect(
      within(methods)
        .getAllByRole('heading')
        .map((h) => h.textContent),
    ).toEqual(['Password', 'Single sign-on', 'Access token', 'Application service']);
    const sso = within(methods).getByRole('group', { name: 'Single sign-on' });
    expect(
      within(sso)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual([expect.stringMatching(/Continue with GitHub$/), expect.stringMatching(/Continue with Corp$/)]);
  });

  it('resumes under React StrictMode: one discovery result, no error, one sign-in on the same device (msw homeserver)', async () => {
    const hs = homeserver();
    hs.addUser(USER, PASSWORD);
    const onSignedIn = vi.fn<OnSignedIn>();
    // StrictMode at the root, as in main.tsx: a <StrictMode> nested inside a provider does not
    // double-invoke effects on mount in React 19.
    const user = userEvent.setup();
    const queryClient = createTestQueryClient();
    render(
      <SignInPage
        onSignedIn={onSignedIn}
        notice="Your session expired. Sign in again to continue."
        resume={{ baseUrl: HS_BASE_URL, userId: USER, deviceId: 'KEEPME' }}
      />,
      {
        reactStrictMode: true,
        wrapper: ({ children }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>,
      },
    );
    const notice = screen.getByRole('status');
    expect(notice.textContent).toBe('Your session expired. Sign in again to continue.');
    expectThemeBanner(notice, 'warning');

    const form = await screen.findByRole('form', { name: 'Sign in with password' });
    expect(screen.getAllByRole('form', { name: 'Sign in with password' })).toHaveLength(1);
    // The double mount really ran discovery twice (a mutation per mount); the second result wins.
    await vi.waitFor(() => {
      expect(hs.requestsMatching({ method: 'GET', path: '/_matrix/client/v3/login' })).toHaveLength(2);
    });
    expect(screen.queryByRole('alert')).toBeNull();
    await user.type(within(form).getByLabelText('Password'), PASSWORD);
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => {
      expect(onSignedIn).toHaveBeenCalledOnce();
    });
    expect(onSignedIn).toHaveBeenCalledWith(
      expect.objectContaining({ userId: USER }),
      true,
      probedCapabilities,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    const logins = hs.requestsMatching({ method: 'POST', path: '/_matrix/client/v3/login' });
    expect(logins.map((r) => (r.body as { device_id?: string }).device_id)).toEqual(['KEEPME']);
  });
});
