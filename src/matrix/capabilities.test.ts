import { describe, expect, it } from 'vitest';
import { getServerCapabilities } from './capabilities.ts';
import { ScriptedFetch, json, matrixError } from './testing/scripted-fetch.ts';

describe('getServerCapabilities', () => {
  it('combines /versions, login flows with SSO providers, and auth_metadata (unstable fallback)', async () => {
    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/client/versions',
      json(200, {
        versions: ['v1.12'],
        unstable_features: { 'org.matrix.simplified_msc3575': true, 'org.matrix.msc3391': false },
      }),
    );
    fake.on(
      'GET',
      '/_matrix/client/v3/login',
      json(200, {
        flows: [
          {
            type: 'm.login.sso',
            identity_providers: [{ id: 'oidc-x', name: 'X', brand: 'github' }, { bad: 1 }],
          },
          { type: 'm.login.token' },
          { type: 'm.login.password' },
        ],
      }),
    );
    fake.on('GET', '/_matrix/client/v1/auth_metadata', matrixError(404, 'M_UNRECOGNIZED'));
    const metadata = {
      issuer: 'https://auth.example/',
      authorization_endpoint: 'https://auth.example/authorize',
      token_endpoint: 'https://auth.example/token',
      revocation_endpoint: 'https://auth.example/revoke',
    };
    fake.on('GET', '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata', json(200, metadata));
    const caps = await getServerCapabilities('https://hs.example/', {
      fetch: fake.fetch,
      accessToken: 'tok',
    });
    expect(caps).toMatchObject({
      baseUrl: 'https://hs.example',
      slidingSync: true,
      accountDataDelete: false,
      ssoProviders: [{ id: 'oidc-x', name: 'X', brand: 'github' }],
      oauth: metadata,
    });
    expect(caps.loginFlows?.map((f) => f.type)).toEqual(['m.login.sso', 'm.login.token', 'm.login.password']);
    // /versions carries the token (per-user overrides); the other probes do not need it.
    expect(fake.requestsTo('/_matrix/client/versions')[0]?.headers.authorization).toBe('Bearer tok');
    expect(fake.requestsTo('/_matrix/client/v3/login')[0]?.headers.authorization).toBeUndefined();
  });

  it('reports absent APIs as null', async () => {
    const fake = new ScriptedFetch();
    fake.on('GET', '/_matrix/client/versions', json(200, { versions: ['v1.12'] }));
    fake.fallback = matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const caps = await getServerCapabilities('https://hs.example', { fetch: fake.fetch });
    expect(caps.loginFlows).toBeNull();
    expect(caps.oauth).toBeNull();
    expect(caps.ssoProviders).toEqual([]);
    expect(caps.slidingSync).toBe(false);
  });
});
