import { describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  discoverHomeserver,
  parseHomeserverInput,
  resolveWellKnown,
  serverNameHost,
} from './discovery.ts';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';

const VERSIONS = { versions: ['v1.11', 'v1.12'], unstable_features: { 'org.matrix.msc3391': true } };

/** A fake that answers by full URL (host included). */
function byUrl(routes: Record<string, Parameters<ScriptedFetch['on']>[2]>): ScriptedFetch {
  const fake = new ScriptedFetch();
  fake.fallback = (req) => {
    const key = `${req.url.origin}${req.path}`;
    const responder = routes[key];
    if (responder === undefined) return new TypeError(`fetch failed (${key})`);
    return typeof responder === 'function' ? responder(req) : responder;
  };
  return fake;
}

const urls = (fake: ScriptedFetch) => fake.requests.map((r) => `${r.url.origin}${r.path}`);

describe('parseHomeserverInput', () => {
  it('takes the server name after the FIRST colon of a user ID', () => {
    expect(parseHomeserverInput('@alice:example.org')).toEqual({
      kind: 'user-id',
      userId: '@alice:example.org',
      serverName: 'example.org',
    });
    expect(parseHomeserverInput('@bob:example.org:8448')).toMatchObject({ serverName: 'example.org:8448' });
  });

  it('recognises server names and URLs', () => {
    expect(parseHomeserverInput(' localhost:8008 ')).toEqual({
      kind: 'server-name',
      serverName: 'localhost:8008',
    });
    expect(parseHomeserverInput('http://127.0.0.1:8008/')).toEqual({
      kind: 'url',
      url: 'http://127.0.0.1:8008',
    });
    expect(parseHomeserverInput('https://example.org/matrix/')).toEqual({
      kind: 'url',
      url: 'https://example.org/matrix',
    });
  });

  it('rejects garbage with a DiscoveryError invalid-input', () => {
    for (const bad of ['', '@alice', 'not a host', 'https://', '@:x']) {
      expect(() => parseHomeserverInput(bad)).toThrow(DiscoveryError);
    }
  });

  it('drops the port for the .well-known host', () => {
    expect(serverNameHost('example.org:8448')).toBe('example.org');
    expect(serverNameHost('[::1]:8008')).toBe('[::1]');
    expect(serverNameHost('example.org')).toBe('example.org');
  });
});

describe('resolveWellKnown outcomes (docs/protocol.md §1.1)', () => {
  it('404 → IGNORE', async () => {
    const fake = byUrl({ 'https://example.org/.well-known/matrix/client': matrixError(404, 'M_NOT_FOUND') });
    expect((await resolveWellKnown('https://example.org', { fetch: fake.fetch })).action).toBe('IGNORE');
  });

  it('CORS TypeError → IGNORE', async () => {
    const fake = byUrl({});
    expect((await resolveWellKnown('https://example.org', { fetch: fake.fetch })).action).toBe('IGNORE');
  });

  it('other non-200, bad JSON or no base_url → FAIL_PROMPT', async () => {
    const cases = [
      matrixError(500, 'M_UNKNOWN'),
      { status: 200, text: '<html>spa</html>' },
      json(200, { 'm.homeserver': {} }),
      { status: 200, text: '' },
    ];
    for (const reply of cases) {
      const fake = byUrl({ 'https://example.org/.well-known/matrix/client': reply });
      expect((await resolveWellKnown('https://example.org', { fetch: fake.fetch })).action).toBe(
        'FAIL_PROMPT',
      );
    }
  });

  it('a base_url that is not a URL, or fails /versions → FAIL_ERROR', async () => {
    const notUrl = byUrl({
      'https://example.org/.well-known/matrix/client': json(200, {
        'm.homeserver': { base_url: 'not a url' },
      }),
    });
    expect((await resolveWellKnown('https://example.org', { fetch: notUrl.fetch })).action).toBe(
      'FAIL_ERROR',
    );
    const notMatrix = byUrl({
      'https://example.org/.well-known/matrix/client': json(200, {
        'm.homeserver': { base_url: 'https://matrix.example.org' },
      }),
      'https://matrix.example.org/_matrix/client/versions': json(200, { hello: 'world' }),
    });
    expect((await resolveWellKnown('https://example.org', { fetch: notMatrix.fetch })).action).toBe(
      'FAIL_ERROR',
    );
  });

  it('success strips the trailing slash and validates with /versions', async () => {
    const fake = byUrl({
      'https://example.org/.well-known/matrix/client': json(200, {
        'm.homeserver': { base_url: 'https://matrix.example.org/' },
        'm.identity_server': { base_url: 'https://id.example.org/' },
      }),
      'https://matrix.example.org/_matrix/client/versions': json(200, VERSIONS),
    });
    const outcome = await resolveWellKnown('https://example.org', { fetch: fake.fetch });
    expect(outcome).toMatchObject({
      action: 'SUCCESS',
      baseUrl: 'https://matrix.example.org',
      identityServerUrl: 'https://id.example.org',
    });
  });
});

describe('discoverHomeserver', () => {
  it('follows .well-known for a user ID', async () => {
    const fake = byUrl({
      'https://example.org/.well-known/matrix/client': json(200, {
        'm.homeserver': { base_url: 'https://matrix.example.org' },
      }),
      'https://matrix.example.org/_matrix/client/versions': json(200, VERSIONS),
    });
    const result = await discoverHomeserver('@alice:example.org', { fetch: fake.fetch });
    expect(result).toMatchObject({
      baseUrl: 'https://matrix.example.org',
      source: 'well-known',
      userId: '@alice:example.org',
      serverName: 'example.org',
    });
  });

  it('falls back to https://<server name> when there is no .well-known', async () => {
    const fake = byUrl({
      'https://example.org/.well-known/matrix/client': matrixError(404, 'M_NOT_FOUND'),
      'https://example.org/_matrix/client/versions': json(200, VERSIONS),
    });
    expect(await discoverHomeserver('example.org', { fetch: fake.fetch })).toMatchObject({
      baseUrl: 'https://example.org',
      source: 'fallback',
    });
  });

  it('tries http:// (first) and https:// for localhost and IP names, keeping the port', async () => {
    const fake = byUrl({ 'http://localhost:8008/_matrix/client/versions': json(200, VERSIONS) });
    const result = await discoverHomeserver('localhost:8008', { fetch: fake.fetch });
    expect(result.baseUrl).toBe('http://localhost:8008');
    expect(urls(fake)).toEqual([
      'https://localhost/.well-known/matrix/client',
      'http://localhost:8008/_matrix/client/versions',
    ]);
    const tls = byUrl({ 'https://10.0.0.5:8448/_matrix/client/versions': json(200, VERSIONS) });
    expect((await discoverHomeserver('10.0.0.5:8448', { fetch: tls.fetch })).baseUrl).toBe(
      'https://10.0.0.5:8448',
    );
    expect(urls(tls)).toEqual([
      'https://10.0.0.5/.well-known/matrix/client',
      'http://10.0.0.5:8448/_matrix/client/versions',
      'https://10.0.0.5:8448/_matrix/client/versions',
    ]);
  });

  it('never tries plain http for a public name', async () => {
    const fake = byUrl({});
    const error = await discoverHomeserver('example.org', { fetch: fake.fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).kind).toBe('unreachable');
    expect((error as DiscoveryError).message).toMatch(/CORS/);
    expect(urls(fake).some((u) => u.startsWith('http:'))).toBe(false);
  });

  it('reports FAIL_PROMPT as well-known-invalid without guessing further', async () => {
    const fake = byUrl({ 'https://example.org/.well-known/matrix/client': matrixError(403, 'M_FORBIDDEN') });
    const error = (await discoverHomeserver('example.org', { fetch: fake.fetch }).catch(
      (e: unknown) => e,
    )) as DiscoveryError | undefined;
    expect(error?.kind).toBe('well-known-invalid');
    expect(error?.outcome).toBe('FAIL_PROMPT');
    expect(fake.requests).toHaveLength(1);
  });

  it('says "not a Matrix homeserver" when something answers without /versions', async () => {
    const fake = byUrl({
      'https://example.org/.well-known/matrix/client': matrixError(404, 'M_NOT_FOUND'),
      'https://example.org/_matrix/client/versions': { status: 404, text: 'Not found' },
    });
    const error = (await discoverHomeserver('example.org', { fetch: fake.fetch }).catch(
      (e: unknown) => e,
    )) as DiscoveryError | undefined;
    expect(error?.kind).toBe('not-matrix');
  });

  it('uses a typed URL directly, or its origin’s .well-known', async () => {
    const direct = byUrl({ 'http://127.0.0.1:8008/_matrix/client/versions': json(200, VERSIONS) });
    expect(await discoverHomeserver('http://127.0.0.1:8008', { fetch: direct.fetch })).toMatchObject({
      baseUrl: 'http://127.0.0.1:8008',
      source: 'url',
    });
    const viaWellKnown = byUrl({
      'https://example.org/.well-known/matrix/client': json(200, {
        'm.homeserver': { base_url: 'https://matrix.example.org' },
      }),
      'https://matrix.example.org/_matrix/client/versions': json(200, VERSIONS),
    });
    expect((await discoverHomeserver('https://example.org', { fetch: viaWellKnown.fetch })).baseUrl).toBe(
      'https://matrix.example.org',
    );
  });
});
