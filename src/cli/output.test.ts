import { describe, expect, it } from 'vitest';
import { callbackPage, signInPrompt, WatchDeduper } from './output.ts';

describe('WatchDeduper (regression: watch printed a repeated delivery twice)', () => {
  it('drops a change equal to the known value, and a second deletion', () => {
    const d = new WatchDeduper();
    expect(d.isRepeat({ kind: 'global-snapshot', data: { a: { v: 1 } }, deleted: [] })).toBe(false);
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 1 } })).toBe(
      true,
    );
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 2 } })).toBe(
      false,
    );
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 2 } })).toBe(
      true,
    );
    expect(d.isRepeat({ kind: 'deleted', scope: { kind: 'global' }, type: 'a' })).toBe(false);
    expect(d.isRepeat({ kind: 'deleted', scope: { kind: 'global' }, type: 'a' })).toBe(true);
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 'a', content: { v: 2 } })).toBe(
      false,
    );
  });

  it('keeps scopes apart and reports first sightings', () => {
    const d = new WatchDeduper();
    const room = { kind: 'room', roomId: '!r:x' } as const;
    expect(
      d.isRepeat({ kind: 'room-snapshot', roomId: '!r:x', data: { t: { x: 1 } }, deleted: ['gone'] }),
    ).toBe(false);
    expect(d.isRepeat({ kind: 'changed', scope: room, type: 't', content: { x: 1 } })).toBe(true);
    expect(d.isRepeat({ kind: 'changed', scope: { kind: 'global' }, type: 't', content: { x: 1 } })).toBe(
      false,
    );
    expect(d.isRepeat({ kind: 'deleted', scope: room, type: 'gone' })).toBe(true);
    expect(d.isRepeat({ kind: 'deleted', scope: room, type: 'never-seen' })).toBe(false);
  });
});

describe('keyBackupSummary (issue #9: the CLI dump includes the computed state)', () => {
  it('applies MSC4287 to the folded data and says when the backup could not be read', async () => {
    const { AccountDataCollector, keyBackupSummary } = await import('./output.ts');
    const c = new AccountDataCollector();
    c.apply([
      {
        kind: 'global-snapshot',
        data: {
          'm.key_backup': { enabled: 'yes' },
          'm.org.matrix.custom.backup_disabled': { disabled: true },
        },
        deleted: [],
      },
    ]);
    expect(keyBackupSummary(c, new Error('network down'))).toMatchObject({
      preference: 'invalid',
      unstable: 'off',
      element_web: 'off',
      backup: { state: 'unknown', error: 'network down' },
      key_in_secret_storage: false,
    });
    expect(keyBackupSummary(c, null).backup).toEqual({ state: 'none' });
  });
});

describe('browser sign-in texts (issue #11)', () => {
  const redirectUri = 'http://127.0.0.1:41234/callback';

  it('SSO: the address on its own line, the wait with its timeout, and Synapse’s confirmation hint', () => {
    const text = signInPrompt({
      method: 'sso',
      url: 'https://hs.example/_matrix/client/v3/login/sso/redirect?redirectUrl=x',
      redirectUri,
      timeout: '5 minutes',
      providers: [
        { id: 'a', name: 'A' },
        { id: 'b', name: 'B' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'Sign in with single sign-on: open this address in your browser:',
      '',
      '  https://hs.example/_matrix/client/v3/login/sso/redirect?redirectUrl=x',
      '',
      'Identity providers: a (A), b (B). The server lets you choose; --sso <id> goes straight to one.',
      `Waiting for the browser to come back to ${redirectUri} (for up to 5 minutes; Ctrl-C gives up).`,
      'Synapse asks you to confirm that you want to continue to http://127.0.0.1:41234/ unless that address is in its sso.client_whitelist; confirm it (pass --redirect-port to keep the address the same from run to run).',
      '',
    ]);
  });

  it('OAuth 2.0: names the provider, no SSO hint', () => {
    const text = signInPrompt({
      method: 'oauth',
      url: 'https://auth.example/authorize?x',
      redirectUri,
      timeout: '90 seconds',
      issuerHost: 'auth.example',
    });
    expect(text).toMatch(/^Sign in through auth\.example \(OAuth 2\.0\): open this address/);
    expect(text).toContain('(for up to 90 seconds;');
    expect(text).not.toContain('client_whitelist');
  });

  it('the callback page says how it went, escaped, and clears the address bar', () => {
    expect(callbackPage({ ok: true, message: 'a < b' })).toMatch(/<h1>Signed in<\/h1>\n<p>a &#60; b<\/p>/);
    expect(callbackPage({ ok: false, message: 'x' })).toContain('<h1>Sign-in did not complete</h1>');
    expect(callbackPage({ ok: true, message: 'x' })).toContain(
      "history.replaceState(null, '', location.pathname)",
    );
  });
});
