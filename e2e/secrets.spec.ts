/**
 * Issue #14, secret-leak scan: a fresh user on the real Synapse holds a secret-storage key description
 * and a key backup, each with a unique marker string. Neither marker nor any access token may show up
 * in what leaves the app without an explicit choice: the browser console, the history export, the tree
 * filter (a hidden secret's content is not searched), and the CLI's `dump`/`watch` output.
 *
 * The marker being *present* where secrets were explicitly included (a revealed entry, `dump
 * --include-secrets`) is asserted too, so an absence is never vacuous.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signIn, type InspectorPage } from './pages.ts';
import { putAccountData, type TestUser } from '../test-support/synapse.ts';
import { REDACTED_CONTENT } from '../src/matrix/redaction.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Any Synapse access/refresh token (the CLI's own session token is not known to the test). */
const SYNAPSE_TOKEN = /\bsy[tr]_[A-Za-z0-9_-]{8,}/;

type Seeded = { keyType: string; keyMarker: string; backupMarker: string };

/** The two secret entries, each with its own marker (lower case: the tree filter lower-cases). */
async function seedSecrets(user: TestUser): Promise<Seeded> {
  const keyId = `leak${randomBytes(4).toString('hex')}`;
  const keyMarker = `keymarker${randomBytes(8).toString('hex')}`;
  const backupMarker = `backupmarker${randomBytes(8).toString('hex')}`;
  const keyType = `m.secret_storage.key.${keyId}`;
  await putAccountData(user, keyType, {
    algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
    name: 'Leak test key',
    iv: 'AAAAAAAAAAAAAAAAAAAAAA',
    mac: keyMarker,
  });
  await putAccountData(user, 'm.megolm_backup.v1', {
    encrypted: { [keyId]: { iv: 'AAAAAAAAAAAAAAAAAAAAAA', ciphertext: backupMarker, mac: 'bWFj' } },
  });
  return { keyType, keyMarker, backupMarker };
}

/** Everything the page prints to its console (and uncaught errors), and every bearer token it sends. */
function watchPage(page: Page): { console: string[]; tokens: Set<string> } {
  const seen = { console: [] as string[], tokens: new Set<string>() };
  page.on('console', (msg) => {
    seen.console.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => {
    seen.console.push(`pageerror: ${error.message}\n${error.stack ?? ''}`);
  });
  page.on('request', (request) => {
    // A long-poll still in flight when the test ends rejects here: nothing to record then.
    request.allHeaders().then(
      (headers) => {
        const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
        if (bearer) seen.tokens.add(bearer);
      },
      () => undefined,
    );
  });
  return seen;
}

function expectClean(text: string, what: string, secrets: readonly string[]): void {
  for (const secret of secrets)
    expect(text, `${what} must not contain ${secret.slice(0, 12)}…`).not.toContain(secret);
  expect(SYNAPSE_TOKEN.exec(text)?.[0], `${what} must not contain an access token`).toBeUndefined();
}

test.describe('secrets never leak', () => {
  test('browser console and the default history export hold neither secret nor token', async ({
    page,
    user,
  }) => {
    const seeded = await seedSecrets(user);
    const seen = watchPage(page);
    const inspector = await signIn(page, user);

    // Opening and even revealing a secret puts it on screen, never in the console.
    await inspector.open(seeded.keyType);
    await inspector.open('m.megolm_backup.v1');
    await inspector.button('Reveal').click();
    await expect(inspector.editor('m.megolm_backup.v1')).toBeVisible();
    await expect.poll(() => inspector.editorText()).toContain(seeded.backupMarker);

    await inspector.button('Activity').click();
    const activity = page.getByRole('region', { name: 'Activity' });
    const download = page.waitForEvent('download');
    await activity.getByRole('button', { name: 'Export all history' }).click();
    const exported = readFileSync(await (await download).path(), 'utf8');
    expect(exported).toContain(seeded.keyType);
    expect(exported).toContain('m.megolm_backup.v1');

    expect(seen.tokens.size).toBeGreaterThan(0);
    const secrets = [seeded.keyMarker, seeded.backupMarker, user.accessToken, ...seen.tokens];
    expectClean(exported, 'the history export', secrets);
    expectClean(seen.console.join('\n'), 'the browser console', secrets);
  });

  test('the tree filter does not search a hidden secret, only a revealed one', async ({ page, user }) => {
    const seeded = await seedSecrets(user);
    const inspector = await signIn(page, user);
    const filterFor = async (text: string) => {
      await inspector.filter.fill(text);
    };

    await filterFor(seeded.backupMarker);
    await expect(inspector.tree).toContainText('Nothing matches');
    await expect(inspector.item('m.megolm_backup.v1')).toHaveCount(0);
    await filterFor(seeded.keyMarker);
    await expect(inspector.tree).toContainText('Nothing matches');
    await expect(inspector.item(seeded.keyType)).toHaveCount(0);
    // The type name is not a secret: it is found.
    await filterFor('megolm_backup');
    await expect(inspector.item('m.megolm_backup.v1')).toBeVisible();

    await filterFor('');
    await reveal(inspector, 'm.megolm_backup.v1');
    await filterFor(seeded.backupMarker);
    await expect(inspector.item('m.megolm_backup.v1')).toBeVisible();
    // Revealing one secret reveals nothing else.
    await filterFor(seeded.keyMarker);
    await expect(inspector.tree).toContainText('Nothing matches');
  });

  test('CLI dump and watch print secret entries redacted and no token, unless --include-secrets', async ({
    user,
  }) => {
    test.setTimeout(120_000);
    const seeded = await seedSecrets(user);
    const secrets = [seeded.keyMarker, seeded.backupMarker, user.accessToken, user.password];

    const dump = await runCli(user, ['dump']);
    expect(dump.code, dump.stderr).toBe(0);
    const dumped = JSON.parse(dump.stdout) as { global: Record<string, unknown> };
    expect(dumped.global[seeded.keyType]).toBe(REDACTED_CONTENT);
    expect(dumped.global['m.megolm_backup.v1']).toBe(REDACTED_CONTENT);
    expect(dump.stderr).toMatch(/redacted/i);
    expectClean(dump.stdout + dump.stderr, 'dump', secrets);

    // With the explicit flag the content is there: the absence above is not an accident of the seed.
    const full = await runCli(user, ['dump', '--include-secrets']);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toContain(seeded.backupMarker);
    expect(full.stdout).toContain(seeded.keyMarker);
    expectClean(full.stdout + full.stderr, 'dump --include-secrets', [user.accessToken, user.password]);

    // watch: the initial snapshot and a live change of the backup, both redacted.
    const liveMarker = `livemarker${randomBytes(8).toString('hex')}`;
    const watch = await runCli(user, ['watch', '--initial', '--verbose'], {
      until: /m\.megolm_backup\.v1/,
      then: async () => {
        await putAccountData(user, 'm.megolm_backup.v1', {
          encrypted: { live: { iv: 'AAAAAAAAAAAAAAAAAAAAAA', ciphertext: liveMarker, mac: 'bWFj' } },
        });
      },
      stopWhen: (out) => (out.match(/m\.megolm_backup\.v1/g) ?? []).length >= 2,
    });
    expect(watch.stdout.match(/m\.megolm_backup\.v1/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(watch.stdout).toContain(REDACTED_CONTENT);
    expectClean(watch.stdout + watch.stderr, 'watch', [...secrets, liveMarker]);
  });

  test('Diagnostic report (Markdown, JSON, CLI report) and the default JSON export hold neither secret nor token', async ({
    page,
    user,
  }) => {
    test.setTimeout(90_000);
    const seeded = await seedSecrets(user);
    const seen = watchPage(page);
    await signIn(page, user);
    const tools = page.getByRole('group', { name: 'Support tools' });

    await tools.getByRole('button', { name: 'Diagnostic report' }).click();
    const report = page.getByRole('region', { name: 'Diagnostic report' });
    const downloadJson = report.getByRole('button', { name: 'Download JSON' });
    await expect(downloadJson).toBeEnabled({ timeout: 15_000 });
    await expect(report.getByLabel('Report (Markdown)')).toContainText('m.megolm_backup.v1');
    const files: [string, string][] = [];
    for (const name of ['Download Markdown', 'Download JSON']) {
      const download = page.waitForEvent('download');
      await report.getByRole('button', { name }).click();
      files.push([`report (${name})`, readFileSync(await (await download).path(), 'utf8')]);
    }

    await tools.getByRole('button', { name: 'Export / import' }).click();
    const transfer = page.getByRole('region', { name: 'Export and import' });
    await expect(transfer.getByRole('checkbox', { name: 'Include secrets' })).not.toBeChecked();
    const download = page.waitForEvent('download');
    await transfer.getByRole('button', { name: 'Export JSON' }).click();
    const exported = readFileSync(await (await download).path(), 'utf8');
    expect(exported).toContain(seeded.keyType);
    expect(exported).toContain(REDACTED_CONTENT);
    files.push(['the JSON export', exported]);

    const cli = await runCli(user, ['report']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('m.megolm_backup.v1');
    files.push(['CLI report', cli.stdout + cli.stderr]);

    const secrets = [seeded.keyMarker, seeded.backupMarker, user.accessToken, user.password, ...seen.tokens];
    for (const [what, text] of files) expectClean(text, what, secrets);
    expectClean(seen.console.join('\n'), 'the browser console', secrets);
  });
});

async function reveal(inspector: InspectorPage, type: string): Promise<void> {
  await inspector.open(type);
  await inspector.button('Reveal').click();
  await expect(inspector.editor(type)).toBeVisible();
}

type CliRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the CLI (`tsx src/cli/main.ts`) as the user, password from the environment (never in argv).
 * With `until`, the process is long-running: once stdout matches, `then` runs; once `stopWhen` holds
 * (or after 60 s), the process gets SIGINT and signs out.
 */
function runCli(
  user: TestUser,
  args: string[],
  live?: { until: RegExp; then: () => Promise<void>; stopWhen: (stdout: string) => boolean },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
        'src/cli/main.ts',
        ...args,
        '--homeserver',
        user.homeserver.baseUrl,
        '--user',
        user.localpart,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, MATRIX_PASSWORD: user.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let triggered = false;
    let stopped = false;
    const stop = () => {
      if (!stopped) {
        stopped = true;
        child.kill('SIGINT');
      }
    };
    const timer = setTimeout(stop, 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!live) return;
      if (!triggered && live.until.test(stdout)) {
        triggered = true;
        live.then().catch(reject);
      }
      if (triggered && live.stopWhen(stdout)) stop();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
