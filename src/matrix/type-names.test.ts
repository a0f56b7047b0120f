import { describe, expect, it } from 'vitest';
import { MatrixClient } from './client.ts';
import {
  deviceAccountDataPath,
  globalAccountDataPath,
  msc3391DeletePath,
  roomAccountDataPath,
  roomTagsPath,
} from './endpoints.ts';
import { ClientRefusedError } from './errors.ts';
import { ScriptedFetch, json } from './testing/scripted-fetch.ts';
import { MAX_TYPE_BYTES, contentBytes, typeNameProblem, utf8Bytes } from './type-names.ts';
import type { Session } from './types.ts';

const USER = '@alice:hs.example';
const U = encodeURIComponent(USER);

describe('typeNameProblem', () => {
  it('refuses empty and whitespace-only names', () => {
    expect(typeNameProblem('')?.code).toBe('empty');
    expect(typeNameProblem(' ')?.code).toBe('blank');
    expect(typeNameProblem('\t \n')?.code).toBe('blank');
  });

  it('counts the 255-byte limit in UTF-8 bytes, not characters', () => {
    expect(typeNameProblem('a'.repeat(MAX_TYPE_BYTES))).toBeNull();
    expect(typeNameProblem('a'.repeat(MAX_TYPE_BYTES + 1))).toMatchObject({ code: 'too-long', bytes: 256 });
    // "é" is 2 bytes: 128 of them are 256 bytes although only 128 characters.
    expect(typeNameProblem('é'.repeat(128))).toMatchObject({ code: 'too-long', bytes: 256 });
    expect(typeNameProblem('é'.repeat(127))).toBeNull();
    // An emoji is 4 bytes (and 2 UTF-16 code units).
    expect(utf8Bytes('😀')).toBe(4);
    expect(typeNameProblem('😀'.repeat(64))?.code).toBe('too-long');
  });

  it('accepts odd but valid names', () => {
    for (const name of ['a/b', '100%', 'x#y', 'what?', 'with space', 'ünïcödé.类型', ' lead', '..', '%2F']) {
      expect(typeNameProblem(name)).toBeNull();
    }
  });

  it('measures the body of a PUT as compact UTF-8 JSON', () => {
    expect(contentBytes({ a: 'é' })).toBe(JSON.stringify({ a: 'é' }).length + 1);
  });
});

describe('path building with odd characters (each segment encoded exactly once)', () => {
  it('encodes /, %, #, ?, spaces and non-ASCII in types', () => {
    expect(globalAccountDataPath(USER, 'a/b %#?é')).toBe(
      `/_matrix/client/v3/user/${U}/account_data/a%2Fb%20%25%23%3F%C3%A9`,
    );
    // An already percent-encoded looking type is encoded again, not passed through.
    expect(globalAccountDataPath(USER, '%2F')).toBe(`/_matrix/client/v3/user/${U}/account_data/%252F`);
  });

  it('encodes room IDs with odd characters', () => {
    const room = '!we/ird?#%room:hs.example';
    const r = '!we%2Fird%3F%23%25room%3Ahs.example';
    expect(roomAccountDataPath(USER, room, 'm.x')).toBe(
      `/_matrix/client/v3/user/${U}/rooms/${r}/account_data/m.x`,
    );
    expect(roomTagsPath(USER, room, 'u.my tag/1')).toBe(
      `/_matrix/client/v3/user/${U}/rooms/${r}/tags/u.my%20tag%2F1`,
    );
    expect(msc3391DeletePath(USER, 'a/b', room)).toBe(
      `/_matrix/client/unstable/org.matrix.msc3391/user/${U}/rooms/${r}/account_data/a%2Fb`,
    );
    expect(deviceAccountDataPath(USER, 'DEV/1', 't')).toBe(
      `/_matrix/client/v3/user/${U}/devices/DEV%2F1/account_data/t`,
    );
  });

  it('decodes back to the original segments', () => {
    const room = '!ü/#?%:hs.example';
    const type = 'org.example/ü #?%';
    const segments = roomAccountDataPath(USER, room, type).split('/');
    expect(segments.map((s) => decodeURIComponent(s)).slice(-4)).toEqual([
      'rooms',
      room,
      'account_data',
      type,
    ]);
  });
});

describe('the protocol layer refuses bad type names before any request', () => {
  const session: Session = {
    baseUrl: 'https://hs.example',
    userId: USER,
    deviceId: 'DEV',
    accessToken: 'at-1',
    authApi: 'legacy',
    loginMethod: 'password',
  };

  it.each([
    ['', 'empty-type'],
    ['   ', 'invalid-type'],
    ['x'.repeat(256), 'invalid-type'],
  ])('setAccountData(%j) → ClientRefusedError %s', async (type, code) => {
    const fake = new ScriptedFetch();
    const client = new MatrixClient(session, { fetch: fake.fetch });
    const error: unknown = await client
      .setAccountData({ kind: 'global' }, type, { a: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientRefusedError);
    expect((error as ClientRefusedError).code).toBe(code);
    expect(fake.requests).toHaveLength(0);
  });

  it('still deletes an over-long type another client stored (so it can be cleaned up)', async () => {
    const fake = new ScriptedFetch();
    const client = new MatrixClient(session, { fetch: fake.fetch });
    const type = 'x'.repeat(300);
    fake.on('GET', '/_matrix/client/versions', json(200, { versions: ['v1.12'], unstable_features: {} }));
    fake.on('PUT', `/_matrix/client/v3/user/${U}/account_data/${type}`, json(200, {}));
    expect(await client.deleteAccountData({ kind: 'global' }, type)).toEqual({ method: 'PUT_EMPTY' });
  });

  it('writes a type with odd characters to the once-encoded path', async () => {
    const fake = new ScriptedFetch();
    const client = new MatrixClient(session, { fetch: fake.fetch });
    fake.on('PUT', `/_matrix/client/v3/user/${U}/account_data/a%2Fb%20%25%23%3F%C3%A9`, json(200, {}));
    await client.setAccountData({ kind: 'global' }, 'a/b %#?é', { v: 1 });
    expect(fake.requests.map((r) => r.path)).toEqual([
      `/_matrix/client/v3/user/${U}/account_data/a%2Fb%20%25%23%3F%C3%A9`,
    ]);
  });
});
