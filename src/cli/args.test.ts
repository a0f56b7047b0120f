import { describe, expect, it } from 'vitest';
import { ENV_PASSWORD, ENV_TOKEN, parseCliArgs, UsageError } from './args.ts';

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
      isVerbose: false,
    });
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
    [['dump', '-s', 'x', '-u', 'a', '-p', 'b', '-t', 't'], /either/],
    [['dump', '-u', 'alice', '-p', 'pw'], /Missing --homeserver/],
    [['dump', '-s', 'x', '-t', 't', '--sync', 'v2'], /--sync must be/],
    [['dump', '-s', 'x', '-t', 't', '--bogus'], /bogus/],
    [['watch', '-s', 'x', '-t', 't', '--device-type', 'a'], /dump only/],
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
