/**
 * The OAuth 2.0 API (next-generation auth, spec v1.15; docs/protocol.md §1.5) against a real OAuth
 * provider, with two test-only routes because Synapse 1.160 cannot delegate to it:
 *
 * REAL: the test identity provider (oidc-provider, test-support/idp/server.ts). The browser registers
 *   the app there (RFC 7591), opens its authorization endpoint (PKCE S256, `state`), the test signs in
 *   at its form and consents, and the app exchanges the code, refreshes and revokes at its endpoints,
 *   all cross-origin from the page. Synapse answers every Matrix call.
 * ROUTED (Playwright, on the homeserver URL only):
 *   - `GET /_matrix/client/v1/auth_metadata` answers the provider's own discovery document in the Matrix
 *     shape, as a homeserver delegating to it (e.g. to MAS) would;
 *   - Matrix requests carrying a provider-issued access token get it swapped for a real Synapse token
 *     of a test user, logged in with the device ID the app put in its `urn:matrix:client:device:` scope
 *     (Synapse does not know the provider's tokens).
 */
import type { Locator, Page, Request, Route } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { IdpPage, InspectorPage, SignInPage } from './pages.ts';
import { freshIdpUsername, idpIssuer } from '../test-support/idp/index.ts';
import { loginAsNewDevice, type Homeserver, type TestUser } from '../test-support/synapse.ts';

test.describe.configure({ timeout: 120_000 });

type Discovery = Record<string, unknown> & {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint: string;
};

/** The fields of the Matrix auth_metadata (docs/protocol.md §1.5, 1.), taken from the provider. */
async function authMetadata(): Promise<Discovery> {
  const res = await fetch(`${idpIssuer()}/.well-known/openid-configuration`);
  expect(res.ok, 'the test identity provider is up (scripts/homeserver.sh up)').toBe(true);
  const discovery = (await res.json()) as Discovery;
  const keys = [
    'issuer',
    'authorization_endpoint',
    'token_endpoint',
    'registration_endpoint',
    'revocation_endpoint',
    'response_types_supported',
    'grant_types_supported',
    'response_modes_supported',
    'code_challenge_methods_supported',
  ];
  return Object.fromEntries(keys.map((k) => [k, discovery[k]])) as Discovery;
}

type TokenResponse = { access_token?: string; refresh_token?: string; scope?: string };

/** What the app sent to the provider, and the Synapse devices standing in for its tokens. */
type Observed = {
  registrations: Record<string, unknown>[];
  authorizeUrls: URL[];
  tokenResponses: TokenResponse[];
  revocations: { status: number; body: URLSearchParams }[];
  /** Matrix requests with a provider token, and with any other bearer. */
  swapped: number;
  passedThrough: number;
};

const DEVICE_SCOPE = 'urn:matrix:client:device:';

async function routeHomeserver(page: Page, hs: Homeserver, user: TestUser): Promise<Observed> {
  const metadata = await authMetadata();
  const seen: Observed = {
    registrations: [],
    authorizeUrls: [],
    tokenResponses: [],
    revocations: [],
    swapped: 0,
    passedThrough: 0,
  };
  /** Provider access token → Synapse token of the device its scope names. */
  const tokens = new Map<string, Promise<string>>();
  const devices = new Map<string, Promise<string>>();
  const pendingBodies: Promise<unknown>[] = [];

  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (request.method() === 'POST' && url.href === metadata.registration_endpoint) {
      seen.registrations.push(request.postDataJSON() as Record<string, unknown>);
    }
    if (url.href.startsWith(`${String(metadata.authorization_endpoint)}?`)) seen.authorizeUrls.push(url);
  });
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() !== 'POST') return;
    if (response.url() === metadata.token_endpoint) {
      // Registered before the app can read the body, so the Matrix route below can wait for it.
      pendingBodies.push(
        response
          .json()
          .then((body: TokenResponse) => {
            seen.tokenResponses.push(body);
            const deviceId = body.scope
              ?.split(' ')
              .find((s) => s.startsWith(DEVICE_SCOPE))
              ?.slice(DEVICE_SCOPE.length);
            if (!body.access_token || !deviceId) return;
            let device = devices.get(deviceId);
            if (!device) {
              device = loginAsNewDevice(user, 'OAuth stand-in', deviceId).then((d) => d.accessToken);
              devices.set(deviceId, device);
            }
            tokens.set(body.access_token, device);
          })
          .catch(() => undefined),
      );
    }
    if (response.url() === metadata.revocation_endpoint) {
      seen.revocations.push({
        status: response.status(),
        body: new URLSearchParams(request.postData() ?? ''),
      });
    }
  });

  await page.route(`${hs.baseUrl}/_matrix/client/v1/auth_metadata`, (route) =>
    route.fulfill({ json: metadata, headers: { 'Access-Control-Allow-Origin': '*' } }),
  );
  // Every authenticated homeserver request, the Synapse admin API's included (the app probes
  // `/_synapse/admin/v1/users/{u}/admin` after sign-in, issue #13): a delegating server knows the token.
  const swap = async (route: Route) => {
    const headers = route.request().headers();
    const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer === undefined) return route.fallback();
    await Promise.all(pendingBodies);
    const synapseToken = tokens.get(bearer);
    if (synapseToken === undefined) {
      seen.passedThrough += 1;
      return route.fallback();
    }
    seen.swapped += 1;
    return route.fallback({ headers: { ...headers, authorization: `Bearer ${await synapseToken}` } });
  };
  await page.route(`${hs.baseUrl}/_matrix/client/**`, swap);
  await page.route(`${hs.baseUrl}/_synapse/**`, swap);
  return seen;
}

/** True when `a` comes before `b` in the document. */
async function precedes(a: Locator, b: Locator): Promise<boolean> {
  const other = await b.elementHandle();
  return a.evaluate((x, y) => !!(x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING), other);
}

const ISSUER_HOST = new URL(idpIssuer()).host;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

test.describe('OAuth 2.0 sign-in (real OAuth provider; auth_metadata and Matrix tokens routed)', () => {
  test('registers, authorizes with PKCE, lands in the inspector, and revokes on sign-out', async ({
    page,
    hs,
    user,
  }) => {
    const seen = await routeHomeserver(page, hs, user);
    const signIn = new SignInPage(page);
    await signIn.chooseServer(hs.baseUrl);

    // Offered first: before the password form and the server's SSO providers.
    const oauth = signIn.oauthButton(ISSUER_HOST);
    await expect(oauth).toBeVisible();
    const others = {
      'the Test IdP (SSO)': signIn.ssoButton('Test IdP'),
      'the password form': page.getByRole('button', { name: 'Sign in', exact: true }),
    };
    for (const [what, other] of Object.entries(others)) {
      if ((await other.count()) > 0)
        expect(await precedes(oauth, other.first()), `before ${what}`).toBe(true);
    }
    await oauth.click();

    const idp = new IdpPage(page);
    await idp.signIn(freshIdpUsername('oauth'));
    await idp.allow();

    const inspector = new InspectorPage(page);
    await expect(inspector.tree).toBeVisible({ timeout: 30_000 });
    await inspector.waitLive();
    await expect(page.getByRole('banner')).toContainText(user.userId);
    await expect(page).not.toHaveURL(/[?#&](code|state)=/);

    // Dynamic registration: what the app sent (docs/protocol.md §1.5, 2.).
    expect(seen.registrations).toHaveLength(1);
    const registration = seen.registrations[0]!;
    test
      .info()
      .annotations.push({ type: 'client registration sent', description: JSON.stringify(registration) });
    expect(registration).toMatchObject({ application_type: 'native', token_endpoint_auth_method: 'none' });
    expect(registration.grant_types).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    const redirectUris = registration.redirect_uris as string[];
    expect(redirectUris.length).toBeGreaterThan(0);
    for (const uri of redirectUris) {
      const parsed = new URL(uri);
      expect(parsed.protocol, uri).toBe('http:');
      expect(LOOPBACK.has(parsed.hostname), `${uri} is a loopback redirect`).toBe(true);
    }

    // The authorization request (§1.5, 3.).
    expect(seen.authorizeUrls).toHaveLength(1);
    const authorize = seen.authorizeUrls[0]!.searchParams;
    test.info().annotations.push({
      type: 'authorization request',
      description: JSON.stringify({ ...Object.fromEntries(authorize), state: '…', code_challenge: '…' }),
    });
    expect(authorize.get('response_type')).toBe('code');
    expect(authorize.get('code_challenge_method')).toBe('S256');
    expect(authorize.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.get('state')).toBeTruthy();
    const scopes = (authorize.get('scope') ?? '').split(' ');
    expect(scopes).toContain('urn:matrix:client:api:*');
    expect(scopes.filter((s) => s.startsWith(DEVICE_SCOPE))).toHaveLength(1);

    // The Matrix calls went to Synapse with the stand-in token; none with an unknown bearer.
    expect(seen.tokenResponses.some((t) => t.refresh_token)).toBe(true);
    expect(seen.swapped).toBeGreaterThan(0);
    expect(seen.passedThrough).toBe(0);

    await inspector.button('Sign out').click();
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
    await expect.poll(() => seen.revocations.length).toBeGreaterThan(0);
    expect(seen.revocations.every((r) => r.status === 200)).toBe(true);
    const revoked = seen.revocations.map((r) => r.body.get('token'));
    const issued = seen.tokenResponses.flatMap((t) => [t.access_token, t.refresh_token]);
    expect(
      revoked.some((t) => issued.includes(t ?? undefined)),
      'revokes a token the provider issued',
    ).toBe(true);
  });

  test('denying consent at the provider returns to the sign-in screen with an error', async ({
    page,
    hs,
    user,
  }) => {
    await routeHomeserver(page, hs, user);
    const signIn = new SignInPage(page);
    await signIn.chooseServer(hs.baseUrl);
    await signIn.oauthButton(ISSUER_HOST).click();
    const idp = new IdpPage(page);
    await idp.signIn(freshIdpUsername('oauth'));
    await idp.deny();

    await expect(page.getByText(/^Sign-in did not complete/)).toBeVisible({ timeout: 30_000 });
    await expect(page).not.toHaveURL(/[?#&](code|state|error)=/);
  });
});
