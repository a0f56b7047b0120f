/**
 * Legacy SSO (`m.login.sso`), all real: the app → Synapse's `/login/sso/redirect/oidc-testidp` → the
 * test identity provider's own form (oidc-provider, test-support/idp/server.ts) → Synapse's OIDC
 * callback, which creates the user from the provider's claims → back to the app with `?loginToken=`
 * (the app's origin is in Synapse's `sso.client_whitelist`, so no confirmation page) → `m.login.token`.
 * Runs in both projects: on the dev server StrictMode mounts twice, and the token must still be
 * exchanged exactly once.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { IdpPage, InspectorPage, SignInPage, escapeRegExp } from './pages.ts';
import { SYNAPSE_IDP, freshIdpUsername, idpDisplayName, idpIssuer } from '../test-support/idp/index.ts';
import type { Homeserver } from '../test-support/synapse.ts';

// The dev server's first load pre-bundles dependencies: allow for it.
test.describe.configure({ timeout: 120_000 });

/** What the browser did around the sign-in: the redirect's loginToken, the app's console, /login. */
type Observed = { loginTokens: string[]; console: string[]; loginResponses: { access_token?: string }[] };

function observe(page: Page, hs: Homeserver): Observed {
  const seen: Observed = { loginTokens: [], console: [], loginResponses: [] };
  page.on('request', (request) => {
    const token = new URL(request.url()).searchParams.get('loginToken');
    if (token) seen.loginTokens.push(token);
  });
  page.on('console', (message) => seen.console.push(message.text()));
  page.on('pageerror', (error) => seen.console.push(String(error)));
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'POST' && response.url() === `${hs.baseUrl}/_matrix/client/v3/login`) {
      void response
        .json()
        .then((body: { access_token?: string }) => seen.loginResponses.push(body))
        .catch(() => undefined);
    }
  });
  return seen;
}

/** From the sign-in screen to the provider's form. */
async function startSso(page: Page, hs: Homeserver): Promise<void> {
  const signIn = new SignInPage(page);
  await signIn.chooseServer(hs.baseUrl);
  await signIn.ssoButton(SYNAPSE_IDP.name).click();
  await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(idpIssuer())}/interaction/`), { timeout: 30_000 });
}

test.describe('SSO sign-in (all real: Synapse m.login.sso with the test OpenID provider)', () => {
  test('signs in at the provider and lands in the inspector; the loginToken is used once, then gone', async ({
    page,
    hs,
  }) => {
    const seen = observe(page, hs);
    const username = freshIdpUsername();
    await startSso(page, hs);
    await new IdpPage(page).signIn(username);

    const inspector = new InspectorPage(page);
    await expect(inspector.tree).toBeVisible({ timeout: 30_000 });
    await inspector.waitLive();
    await expect(page.getByRole('banner')).toContainText(`@${username}:${hs.serverName}`);
    await expect(page).not.toHaveURL(/loginToken/);

    // Synapse sent exactly one redirect with a token, and the app exchanged it exactly once.
    expect(seen.loginTokens).toHaveLength(1);
    expect(seen.loginResponses.filter((r) => r.access_token)).toHaveLength(1);
    const token = seen.loginTokens[0]!;
    const leaks = seen.console.filter((line) => line.includes(token));
    expect(leaks, 'the app never logs the loginToken').toEqual([]);
  });

  test('a wrong password keeps the user at the provider with its error', async ({ page, hs }) => {
    const username = freshIdpUsername();
    await startSso(page, hs);
    const idp = new IdpPage(page);
    await idp.signIn(username, 'not-the-password');

    await expect(page.getByRole('alert')).toHaveText('Invalid username or password.');
    await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(idpIssuer())}/interaction/`));
    await expect(idp.form).toBeVisible();

    // The right password from the same form still completes the sign-in.
    await idp.signIn(username);
    await new InspectorPage(page).waitLive();
    await expect(page.getByRole('banner')).toContainText(`@${username}:${hs.serverName}`);
  });

  test('Sign out after SSO ends the session at the server', async ({ page, hs }) => {
    const seen = observe(page, hs);
    const username = freshIdpUsername();
    await startSso(page, hs);
    await new IdpPage(page).signIn(username);
    const inspector = new InspectorPage(page);
    await inspector.waitLive();

    await expect.poll(() => seen.loginResponses.length).toBe(1);
    const accessToken = seen.loginResponses[0]?.access_token ?? '';
    expect(accessToken).not.toBe('');
    const whoami = (token: string): Promise<Response> =>
      fetch(`${hs.baseUrl}/_matrix/client/v3/account/whoami`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    expect((await whoami(accessToken)).status).toBe(200);
    // Synapse took the display name from the provider's `name` claim.
    const profile = await fetch(
      `${hs.baseUrl}/_matrix/client/v3/profile/${encodeURIComponent(`@${username}:${hs.serverName}`)}`,
      { headers: { Authorization: `Bearer ${accessToken}` } },
    );
    expect(await profile.json()).toMatchObject({ displayname: idpDisplayName(username) });

    await inspector.button('Sign out').click();
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
    await expect.poll(async () => (await whoami(accessToken)).status).toBe(401);
  });
});
