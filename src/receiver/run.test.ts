import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRegistration } from './registration.ts';
import { listenPort, parseReceiverArgs, runReceiverCli, type ReceiverIo } from './run.ts';
import type { Receiver } from './server.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  let interrupt: (() => void) | undefined;
  let listening: ((r: Receiver) => void) | undefined;
  const receiver = new Promise<Receiver>((resolve) => (listening = resolve));
  const value: ReceiverIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => (interrupt = undefined);
    },
    onListening: (r) => listening?.(r),
  };
  return {
    io: value,
    out: () => out.join(''),
    err: () => err.join(''),
    receiver,
    interrupt: () => interrupt?.(),
  };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'receiver-test-'));

describe('parseReceiverArgs', () => {
  it('reads the receiving options', () => {
    expect(
      parseReceiverArgs([
        '--registration',
        'r.yaml',
        '--port',
        '9010',
        '--allow-origin',
        'https://a.example',
        '--allow-origin',
        'http://b.example:8080',
      ]),
    ).toEqual({
      kind: 'receive',
      registration: 'r.yaml',
      port: 9010,
      host: '127.0.0.1',
      allowOrigins: ['https://a.example', 'http://b.example:8080'],
      maxTransactions: 1000,
    });
  });

  it('builds the default users regex from the server name, escaped', () => {
    expect(parseReceiverArgs(['--generate', 'g.yaml'])).toEqual({
      kind: 'generate',
      file: 'g.yaml',
      url: 'http://127.0.0.1:9000',
      id: 'account-data-inspector',
      senderLocalpart: '_inspector',
      userRegex: '@_inspector_.*:localhost:8008',
      force: false,
    });
    expect(
      parseReceiverArgs(['--generate', 'g', '--server-name', 'example.org', '--sender-localpart', '_b']),
    ).toMatchObject({
      userRegex: '@_b_.*:example\\.org',
    });
  });

  it.each([
    [[], /--registration FILE/],
    [['--registration', 'a', '--generate', 'b'], /either --registration or --generate/],
    [['--registration', 'a', '--port', 'x'], /--port must be a whole number/],
    [['--registration', 'a', '--port', '70000'], /--port must be a whole number/],
    [['--registration', 'a', '--allow-origin', 'https://a.example/path'], /--allow-origin takes an origin/],
    [['--registration', 'a', '--url', 'http://x'], /--url is for --generate/],
    [['--generate', 'a', '--port', '1'], /--port is for receiving/],
    [['--generate', 'a', '--url', 'ftp://x'], /--url must be an http\(s\) URL/],
    [['--generate', 'a', '--user-regex', 'x', '--server-name', 'y'], /either --user-regex or --server-name/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', async (argv, message) => {
    expect(() => parseReceiverArgs(argv)).toThrow(message);
    const t = io();
    expect(await runReceiverCli(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(/Run with --help/);
  });

  it('listens on --port, else the port of the registration url, else 9000', () => {
    const reg = parseRegistration(
      'id: a\nurl: http://127.0.0.1:9010\nas_token: a\nhs_token: h\nsender_localpart: s\nnamespaces: {}\n',
    );
    expect(listenPort({ port: 1234 }, reg)).toBe(1234);
    expect(listenPort({}, reg)).toBe(9010);
    expect(listenPort({}, { ...reg, url: null })).toBe(9000);
    expect(listenPort({}, { ...reg, url: 'http://receiver.example' })).toBe(9000);
  });
});

describe('--generate', () => {
  it('writes a private registration that parses back, prints the homeserver.yaml lines and no token', async () => {
    const file = path.join(tmp(), 'reg.yaml');
    const t = io();
    const code = await runReceiverCli(
      [
        '--generate',
        file,
        '--id',
        'inspector-test',
        '--url',
        'http://127.0.0.1:9010',
        '--user-regex',
        '@_inspector_.*:localhost:8008',
      ],
      t.io,
    );
    expect(code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const reg = parseRegistration(text);
    expect(reg).toMatchObject({
      id: 'inspector-test',
      url: 'http://127.0.0.1:9010',
      senderLocalpart: '_inspector',
      namespaces: {
        users: [{ exclusive: true, regex: '@_inspector_.*:localhost:8008' }],
        aliases: [],
        rooms: [],
      },
    });
    expect(reg.asToken).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.hsToken).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.asToken).not.toBe(reg.hsToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    expect(t.out()).not.toContain(reg.asToken);
    expect(t.out()).not.toContain(reg.hsToken);
    expect(t.out()).toContain(`to ${file}`);
    // The printed block is YAML a user can paste into homeserver.yaml.
    const block = /\n\n(app_service_config_files:\n(?: {2}- .*\n)+)/.exec(t.out())?.[1];
    expect(parse(block!)).toEqual({ app_service_config_files: [file] });
  });

  it('does not replace an existing file without --force', async () => {
    const file = path.join(tmp(), 'reg.yaml');
    writeFileSync(file, 'keep me');
    const t = io();
    expect(await runReceiverCli(['--generate', file], t.io)).toBe(1);
    expect(t.err()).toContain('pass --force');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(await runReceiverCli(['--generate', file, '--force'], io().io)).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('hs_token');
  });
});

describe('receiving from the command line', () => {
  it('refuses an invalid registration with every problem and exit code 1', async () => {
    const file = path.join(tmp(), 'bad.yaml');
    writeFileSync(file, 'id: x\nas_token: secret-as\n');
    const t = io();
    expect(await runReceiverCli(['--registration', file], t.io)).toBe(1);
    expect(t.err()).toContain('"hs_token" must be a non-empty string');
    expect(t.err()).toContain('"url" is missing');
    expect(t.err()).not.toContain('secret-as');
  });

  it('serves until interrupted, then shuts down; prints no token', async () => {
    const file = path.join(tmp(), 'reg.yaml');
    await runReceiverCli(['--generate', file, '--url', 'http://127.0.0.1:9010'], io().io);
    const reg = parseRegistration(readFileSync(file, 'utf8'));
    const t = io();
    const done = runReceiverCli(['--registration', file, '--port', '0'], t.io);
    const receiver = await t.receiver;
    const health = (await (await fetch(`${receiver.url}/health`)).json()) as unknown;
    expect(health).toEqual({ ok: true, id: 'account-data-inspector' });
    const put = await fetch(`${receiver.url}/_matrix/app/v1/transactions/1`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${reg.hsToken}`, 'Content-Type': 'application/json' },
      body: '{"events":[]}',
    });
    expect(put.status).toBe(200);
    t.interrupt();
    expect(await done).toBe(0);
    expect(t.out()).toContain(
      `Receiving transactions for application service "account-data-inspector" at ${receiver.url}`,
    );
    expect(t.out()).toMatch(/txn 1: 0 event\(s\), no account data/);
    expect(t.out()).toContain('Shutting down.');
    expect(t.out() + t.err()).not.toContain(reg.hsToken);
    expect(t.out() + t.err()).not.toContain(reg.asToken);
  });
});
