import { describe, expect, it } from 'vitest';
import { StaticTokenAuthorization } from '../authorization.ts';
import { MatrixApiError } from '../errors.ts';
import { ScriptedFetch, json, matrixError } from '../testing/scripted-fetch.ts';
import { Transport } from '../transport.ts';
import { AdminLookupError, getAdminAccountData, isServerAdmin, isValidUserId } from './admin.ts';

const ME = '@admin:hs.example';
const ADMIN_PATH = '/_synapse/admin/v1/users/%40admin%3Ahs.example/admin';
const DATA_PATH = '/_synapse/admin/v1/users/%40bob%3Ahs.example/accountdata';

function transportOf(fake: ScriptedFetch) {
  return new Transport({
    baseUrl: 'https://hs.example',
    authorization: new StaticTokenAuthorization({ accessToken: 'tok', userId: ME }),
    fetch: fake.fetch,
  });
}

describe('isServerAdmin (docs/protocol.md §2 "Listing everything")', () => {
  it('asks about the identity itself, with the user ID encoded', async () => {
    const fake = new ScriptedFetch().on('GET', ADMIN_PATH, json(200, { admin: true }));
    await expect(isServerAdmin(transportOf(fake))).resolves.toBe(true);
    expect(fake.requestsTo(ADMIN_PATH)[0]?.headers.authorization).toBe('Bearer tok');
  });

  it('is false for {"admin": false}, a malformed reply, 403, 404 and 400', async () => {
    for (const reply of [
      json(200, { admin: false }),
      json(200, { admin: 'yes' }),
      matrixError(403, 'M_FORBIDDEN', 'You are not a server admin'),
      matrixError(404, 'M_UNRECOGNIZED', ''),
      matrixError(400, 'M_UNKNOWN', 'Only local users can be admins of this homeserver'),
    ]) {
      const fake = new ScriptedFetch().on('GET', ADMIN_PATH, reply);
      await expect(isServerAdmin(transportOf(fake))).resolves.toBe(false);
    }
  });

  it('throws on a server error, so "could not ask" is not "no"', async () => {
    const fake = new ScriptedFetch().on('GET', ADMIN_PATH, matrixError(500, 'M_UNKNOWN', 'boom'));
    await expect(isServerAdmin(transportOf(fake))).rejects.toBeInstanceOf(MatrixApiError);
  });
});

describe('getAdminAccountData', () => {
  it('returns global and room entries, dropping {} rows, malformed rows and empty rooms', async () => {
    const fake = new ScriptedFetch().on(
      'GET',
      DATA_PATH,
      json(200, {
        account_data: {
          global: { 'm.direct': { '@c:hs.example': ['!r:hs.example'] }, 'gone.type': {}, broken: [1] },
          rooms: {
            '!r:hs.example': { 'm.fully_read': { event_id: '$e' }, 'x.deleted': {} },
            '!empty:hs.example': { 'x.deleted': {} },
          },
        },
      }),
    );
    await expect(getAdminAccountData(transportOf(fake), '@bob:hs.example')).resolves.toEqual({
      global: { 'm.direct': { '@c:hs.example': ['!r:hs.example'] } },
      rooms: { '!r:hs.example': { 'm.fully_read': { event_id: '$e' } } },
    });
  });

  it('copes with a reply without account_data', async () => {
    const fake = new ScriptedFetch().on('GET', DATA_PATH, json(200, {}));
    await expect(getAdminAccountData(transportOf(fake), '@bob:hs.example')).resolves.toEqual({
      global: {},
      rooms: {},
    });
  });

  it('refuses an invalid user ID before any request', async () => {
    const fake = new ScriptedFetch();
    for (const bad of ['bob', '@bob', '@:hs.example', 'bob:hs.example', '@bo b:hs.example', '@bob:']) {
      const error = await getAdminAccountData(transportOf(fake), bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdminLookupError);
      expect((error as AdminLookupError).reason).toBe('invalid-user-id');
    }
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [matrixError(403, 'M_FORBIDDEN', 'You are not a server admin'), 'not-admin', /not a server admin/],
    [matrixError(404, 'M_NOT_FOUND', 'User not found'), 'unknown-user', /no user @bob:hs\.example/],
    [matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'), 'no-admin-api', /admin API/],
    [matrixError(400, 'M_UNKNOWN', 'Can only look up local users'), 'not-local', /not a user of this server/],
  ] as const)('explains %#: %s', async (reply, reason, message) => {
    const fake = new ScriptedFetch().on('GET', DATA_PATH, reply);
    const error = await getAdminAccountData(transportOf(fake), '@bob:hs.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminLookupError);
    expect((error as AdminLookupError).reason).toBe(reason);
    expect((error as AdminLookupError).message).toMatch(message);
  });

  it('passes other failures through', async () => {
    const fake = new ScriptedFetch().on('GET', DATA_PATH, matrixError(500, 'M_UNKNOWN', 'boom'));
    const error = await getAdminAccountData(transportOf(fake), '@bob:hs.example').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatrixApiError);
  });
});

describe('isValidUserId', () => {
  it('accepts the shapes of the spec, ports and historical localparts included', () => {
    for (const ok of ['@a:b', '@alice:example.org', '@a.b_c=d/e+f-g:localhost:8008', '@Ünïcode:x.y']) {
      expect(isValidUserId(ok)).toBe(true);
    }
    expect(isValidUserId(`@${'a'.repeat(260)}:x`)).toBe(false);
  });
});
