/**
 * Issue #14, Content Security Policy of the production build (scripts/csp.ts,
 * docs/decisions/016-csp.md): `vite preview` sends the header, `dist/index.html` carries the meta,
 * and the whole app — password sign-in on the real Synapse, live sync, Monaco with its JSON worker —
 * runs under it without a single violation.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signIn } from './pages.ts';
import { putAccountData } from '../test-support/synapse.ts';
import { cspHeader, cspMeta } from '../scripts/csp.ts';

/** Every `securitypolicyviolation` the document sees, recorded from the first script on. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push(
        `${event.effectiveDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
}

function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

test.describe('content security policy', () => {
  test('vite preview sends the policy as a header and the built index.html carries it as a meta', async ({
    request,
  }) => {
    const res = await request.get('/');
    expect(res.status()).toBe(200);
    const header = res.headers()['content-security-policy'];
    expect(header).toBe(cspHeader());
    expect(header).toContain("frame-ancestors 'none'");
    expect(header).not.toContain('unsafe-eval');
    expect(/script-src[^;]*unsafe-inline/.test(header ?? '')).toBe(false);

    const html = await res.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(meta).toBe(cspMeta());
    // A meta policy cannot forbid framing; browsers warn about it, so it is left out.
    expect(meta).not.toContain('frame-ancestors');
    // The meta comes before every script and stylesheet, or it would not govern them.
    const metaAt = html.indexOf('http-equiv="Content-Security-Policy"');
    expect(metaAt).toBeGreaterThan(-1);
    expect(metaAt).toBeLessThan(html.indexOf('<script'));
    expect(metaAt).toBeLessThan(html.indexOf('<link rel="stylesheet"'));

    // Workers take their policy from their own script's response: the assets get the header too.
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await request.get(script ?? '/');
    expect(asset.headers()['content-security-policy']).toBe(cspHeader());
  });

  test('sign-in, live sync and Monaco with its JSON worker run without a policy violation', async ({
    page,
    user,
  }) => {
    await recordViolations(page);
    const console: string[] = [];
    page.on('console', (msg) => console.push(`${msg.type()}: ${msg.text()}`));
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));

    await putAccountData(user, 'm.key_backup', { enabled: true });
    const inspector = await signIn(page, user);
    await inspector.open('m.key_backup');
    await inspector.replaceText('m.key_backup', '{"enabled": "yes"}');
    // The schema problem comes from Monaco's JSON worker: it was fetched, started and answered.
    await expect(page.getByLabel('Problems')).toContainText(/boolean/i);
    expect(workers.some((url) => /\/assets\/json\.worker-[^/]+\.js$/.test(url))).toBe(true);

    // The schema checker (@cfworker/json-schema, no eval) runs under the policy too.
    await page
      .getByRole('group', { name: 'Support tools' })
      .getByRole('button', { name: 'Validation' })
      .click();
    await expect(page.getByRole('region', { name: 'Validation' })).toContainText(/problems? (found|in)/i);

    // The report reads the server (versions, federation version, key backup) under the policy.
    await page
      .getByRole('group', { name: 'Support tools' })
      .getByRole('button', { name: 'Diagnostic report' })
      .click();
    await expect(
      page.getByRole('region', { name: 'Diagnostic report' }).getByRole('button', { name: 'Download JSON' }),
    ).toBeEnabled({ timeout: 15_000 });

    // Give late reports (they are queued as tasks) a moment to arrive.
    await page.waitForTimeout(500);
    expect(await violations(page)).toEqual([]);
    expect(console.filter((line) => /content security policy/i.test(line))).toEqual([]);
  });
});
