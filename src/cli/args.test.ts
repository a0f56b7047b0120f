import { describe, expect, it } from 'vitest';
import { ENV_PASSWORD, ENV_TOKEN, HELP, parseCliArgs, UsageError } from './args.ts';

describe('parseCliArgs', () => {
  it('parses dump with a password login', () => {
    expect(
      parseCliArgs(['dump', '--homeserver', 'http://127.0.0.1:8008', '--user', 'alice', '--password', 'pw']),
    ).toEqual({
      kind: 'run',
      command: 'dump',
      homeserver: 'http://127.0.0.1:8008',
      auth: { kind: 'password', user: 'alice', password: 'pw' },
      sync: 'auto',
      isCompact: false,
      isInitialIncluded: false,
      deviceTypes: [],
      isSecretsIncluded: false,
      isJson: false,
      isVerbose: false,
    });
  });

  it('parses --include-secrets (dump, watch) and report --json (issue #14)', () => {
    expect(parseCliArgs(['dump', '-s', 'x', '-t', 't', '--include-secrets'])).toMatchObject({
      command: 'dump',
      isSecretsIncluded: true,
    });
    expect(parseCliArgs(['watch', '-s', 'x', '-t', 't', '--include-secrets'])).toMatchObject({
      isSecretsIncluded: true,
    });
    expect(parseCliArgs(['report', '-s', 'x', '-t', 't', '--json'])).toMatchObject({
      command: 'report',
      isJson: true,
      isSecretsIncluded: false,
    });
    expect(HELP).toMatch(/--include-secrets/);
    expect(HELP).toMatch(/report {2}Print a diagnostic report/);
  });

  it('parses watch with a token, short flags and options', () => {
    expect(
      parseCliArgs(['watch', '-s', 'example.org', '-t', 'tok', '--sync', 'v3', '--initial', '-v']),
    ).toMatchObject({
      command: 'watch',
      homeserver: 'example.org',
      auth: { kind: 'token', token: 'tok' },
      sync: 'v3',
      isInitialIncluded: true,
      isVerbose: true,
    });
  });

  it('reads secrets from the environment', () => {
    expect(parseCliArgs(['dump', '-s', 'x.org', '-u', 'alice'], { [ENV_PASSWORD]: 'envpw' })).toMatchObject({
      auth: { kind: 'password', password: 'envpw' },
    });
    expect(parseCliArgs(['dump', '-s', 'x.org'], { [ENV_TOKEN]: 'envtok' })).toMatchObject({
      auth: { kind: 'token', token: 'envtok' },
    });
  });

  it('uses a full user ID as the homeserver when --homeserver is missing', () => {
    expect(parseCliArgs(['dump', '-u', '@alice:example.org', '-p', 'pw'])).toMatchObject({
      homeserver: '@alice:example.org',
    });
  });

  it('collects repeated --device-type', () => {
    expect(
      parseCliArgs(['dump', '-s', 'x', '-t', 't', '--device-type', 'a', '--device-type', 'b', '--compact']),
    ).toMatchObject({ deviceTypes: ['a', 'b'], isCompact: true });
  });

  it('returns help for --help even with other flags', () => {
    expect(parseCliArgs(['dump', '--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /Missing command/],
    [['list', '-s', 'x', '-t', 't'], /Unknown command "list"/],
    [['dump', 'extra', '-s', 'x', '-t', 't'], /Unexpected argument/],
    [['dump', '-s', 'x'], /Sign in with/],
    [['dump', '-s', 'x', '-u', 'alice'], /needs --password/],
    [['dump', '-s', 'x', '-u', 'a', '-p', 'b', '-t', 't'], /one way only: --user and --token/],
    [['dump', '-u', 'alice', '-p', 'pw'], /Missing --homeserver/],
    [['dump', '-s', 'x', '-t', 't', '--sync', 'v2'], /--sync must be/],
    [['dump', '-s', 'x', '-t', 't', '--bogus'], /bogus/],
    [['watch', '-s', 'x', '-t', 't', '--device-type', 'a'], /dump only/],
    [['report', '-s', 'x', '-t', 't', '--include-secrets'], /never contains secrets/],
    [['dump', '-s', 'x', '-t', 't', '--json'], /report only/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('never echoes a secret in usage errors', () => {
    try {
      parseCliArgs(['dump', '-s', 'x', '-u', 'a', '-p', 'hunter2', '-t', 'tok-secret']);
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
      expect(String(error)).not.toContain('tok-secret');
    }
    expect.assertions(2);
  });
});

describe('parseCliArgs: browser sign-ins (issue #11)', () => {
  const FIVE_MINUTES = 5 * 60_000;

  it('--sso without a provider, before or after the command', () => {
    for (const argv of [
      ['dump', '-s', 'hs.example', '--sso'],
      ['--sso', 'dump', '-s', 'hs.example'],
      ['dump', '--sso', '-s', 'hs.example'],
    ]) {
      expect(parseCliArgs(argv)).toMatchObject({
        command: 'dump',
        homeserver: 'hs.example',
        auth: { kind: 'sso', redirect: { timeoutMs: FIVE_MINUTES } },
      });
      expect((parseCliArgs(argv) as { auth: object }).auth).not.toHaveProperty('idpId');
    }
  });

  it('--sso <idp> and --sso=<idp> pick an identity provider', () => {
    expect(parseCliArgs(['watch', '-s', 'x', '--sso', 'testidp'])).toMatchObject({
      auth: { kind: 'sso', idpId: 'testidp' },
    });
    expect(parseCliArgs(['watch', '--sso=dump', '-s', 'x'])).toMatchObject({
      command: 'watch',
      auth: { kind: 'sso', idpId: 'dump' },
    });
  });

  it('--oauth, with --redirect-port and --redirect-timeout', () => {
    expect(
      parseCliArgs(['dump', '-s', 'x', '--oauth', '--redirect-port', '8765', '--redirect-timeout', '90']),
    ).toMatchObject({ auth: { kind: 'oauth', redirect: { port: 8765, timeoutMs: 90_000 } } });
    expect(parseCliArgs(['dump', '-s', 'x', '--oauth'])).toMatchObject({
      auth: { kind: 'oauth', redirect: { timeoutMs: FIVE_MINUTES } },
    });
  });

  it('an explicit browser sign-in wins over a token in the environment', () => {
    expect(parseCliArgs(['dump', '-s', 'x', '--oauth'], { [ENV_TOKEN]: 'envtok' })).toMatchObject({
      auth: { kind: 'oauth' },
    });
  });

  it.each([
    [['dump', '-s', 'x', '--sso', '--oauth'], /one way only: --sso and --oauth/],
    [['dump', '-s', 'x', '--sso', '-t', 't'], /one way only: --token and --sso/],
    [['dump', '-s', 'x', '--oauth', '-u', 'a', '-p', 'p'], /one way only: --user and --oauth/],
    [['dump', '--sso'], /Missing --homeserver/],
    [['dump', '-s', 'x', '-t', 't', '--redirect-port', '8000'], /apply to --sso and --oauth only/],
    [['dump', '-s', 'x', '--oauth', '--redirect-port', '0'], /--redirect-port must be a port number/],
    [['dump', '-s', 'x', '--oauth', '--redirect-port', '70000'], /--redirect-port must be/],
    [['dump', '-s', 'x', '--oauth', '--redirect-port', '80a'], /--redirect-port must be/],
    [['dump', '-s', 'x', '--sso', '--redirect-timeout', '0'], /--redirect-timeout must be a positive/],
    [['dump', '-s', 'x', '--sso', '--redirect-timeout', 'soon'], /--redirect-timeout must be/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('the help text documents --sso, --oauth, the listener and the 5-minute default', () => {
    expect(HELP).toMatch(/--sso \[<idp>\]/);
    expect(HELP).toMatch(/--oauth/);
    expect(HELP).toMatch(/http:\/\/127\.0\.0\.1:<port>\/callback/);
    expect(HELP).toMatch(/\(default 300: 5 minutes\)/);
    expect(HELP).toMatch(/sso\.client_whitelist/);
  });
});
