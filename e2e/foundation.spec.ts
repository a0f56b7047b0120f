import { test, expect, chunkFileOf, monacoChunkFiles } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { InspectorPage, SignInPage } from './pages.ts';

test.describe('foundation', () => {
  test('the served app shows the sign-in page', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
  });

  test('the browser can reach the real Synapse from the served app (CORS)', async ({ page, hs }) => {
    await page.goto('/');
    const result = await page.evaluate(async (baseUrl) => {
      const res = await fetch(`${baseUrl}/_matrix/client/versions`);
      const body = (await res.json()) as { versions: string[]; unstable_features: Record<string, boolean> };
      return { origin: location.origin, status: res.status, body };
    }, hs.baseUrl);
    // The page is on another origin than Synapse, so this only succeeds if CORS allows it.
    expect(result.origin).not.toBe(new URL(hs.baseUrl).origin);
    expect(result.status).toBe(200);
    expect(result.body.versions).toContain('v1.12');
    expect(result.body.unstable_features['org.matrix.simplified_msc3575']).toBe(true);
    expect(result.body.unstable_features['org.matrix.msc3391']).toBe(true);
  });

  test('an authenticated request with a bearer token works cross-origin', async ({ page, user }) => {
    await page.goto('/');
    const whoami = await page.evaluate(
      async ({ baseUrl, token }) => {
        const res = await fetch(`${baseUrl}/_matrix/client/v3/account/whoami`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        return (await res.json()) as { user_id: string };
      },
      { baseUrl: user.homeserver.baseUrl, token: user.accessToken },
    );
    expect(whoami.user_id).toBe(user.userId);
  });

  test('the Monaco chunk is not loaded with the entry bundle', async ({ page }) => {
    const monaco = monacoChunkFiles();
    expect(monaco.length, 'the build must contain a lazy Monaco chunk').toBeGreaterThan(0);
    const scripts: string[] = [];
    page.on('request', (req) => {
      if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
    });
    await page.goto('/');
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of monaco) expect(scripts).not.toContain(`/${file}`);
  });

  test('the signed-in views load at the first interaction, not with the sign-in page (ADR 015)', async ({
    page,
    user,
  }) => {
    const shell = `/${chunkFileOf('src/app/inspector-shell.tsx')}`;
    const oidc = `/${chunkFileOf('node_modules/oidc-client-ts/dist/esm/oidc-client-ts.js')}`;
    const registration = `/${chunkFileOf('src/matrix/appservice/registration.ts')}`;
    const scripts: string[] = [];
    page.on('request', (req) => {
      if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
    });
    await page.goto('/');
    await expect(page.getByRole('textbox', { name: 'Homeserver' })).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts).not.toContain(shell);
    // Typing the server's address is the first interaction: the inspector's code starts loading.
    await page.getByRole('textbox', { name: 'Homeserver' }).fill(user.homeserver.baseUrl);
    await expect.poll(() => scripts).toContain(shell);
    await new SignInPage(page).signInWithPassword(user);
    await new InspectorPage(page).waitLive();
    // A password sign-in never needs the OAuth library or the registration (YAML) parser.
    expect(scripts).not.toContain(oidc);
    expect(scripts).not.toContain(registration);
  });

  test('Monaco is not loaded after sign-in until the pointer or focus comes to the browser', async ({
    page,
    user,
  }) => {
    const { monacoRequests } = watchRequests(page);
    await new SignInPage(page).signInWithPassword(user);
    await page.mouse.move(0, 0);
    const inspector = new InspectorPage(page);
    await inspector.waitLive();
    // Well past the old timed warm-up (1.5 s after the tree appeared).
    await page.waitForTimeout(3_000);
    expect(monacoRequests()).toBe(0);
    const browser = page.getByRole('complementary', { name: 'Account data browser' });
    const box = await browser.boundingBox();
    if (!box) throw new Error('no account data browser');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(monacoRequests).toBeGreaterThan(0);
  });

  test('the Monaco chunk and its JSON worker are fetched once the editor is needed', async ({
    page,
    user,
  }) => {
    const { loaded, monacoRequests } = watchRequests(page);
    await new SignInPage(page).signInWithPassword(user);
    const inspector = new InspectorPage(page);
    await inspector.waitLive();
    await inspector.open('m.push_rules');
    await expect(inspector.editor('m.push_rules')).toBeAttached();
    await expect.poll(monacoRequests).toBeGreaterThan(0);
    await expect.poll(() => loaded.some((p) => /json\.worker/.test(p))).toBe(true);
  });
});

/** Every path the page requests from now on, and how many of them are Monaco's chunks. */
function watchRequests(page: Page): { loaded: string[]; monacoRequests: () => number } {
  const monaco = monacoChunkFiles();
  const loaded: string[] = [];
  page.on('request', (req) => {
    loaded.push(new URL(req.url()).pathname);
  });
  return {
    loaded,
    monacoRequests: () => loaded.filter((p) => monaco.some((file) => p === `/${file}`)).length,
  };
}
