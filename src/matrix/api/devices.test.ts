import { describe, expect, it } from 'vitest';
import { StaticTokenAuthorization } from '../authorization.ts';
import { MatrixApiError } from '../errors.ts';
import { ScriptedFetch, json, matrixError } from '../testing/scripted-fetch.ts';
import { Transport } from '../transport.ts';
import { deleteDevice, DeviceSignOutError } from './devices.ts';

const PATH = '/_matrix/client/v3/devices/OTHER';
const AUTH = { userId: '@me:hs.example', password: 'pw' };

function transportOf(fake: ScriptedFetch) {
  return new Transport({
    baseUrl: 'https://hs.example',
    authorization: new StaticTokenAuthorization({ accessToken: 'tok', userId: '@me:hs.example' }),
    fetch: fake.fetch,
  });
}

const challenge = (stages: string[][]) =>
  json(401, { flows: stages.map((s) => ({ stages: s })), params: {}, session: 'S1' });

describe('deleteDevice (user-interactive auth, docs/protocol.md §5)', () => {
  it('answers the password challenge with the session and the user identifier', async () => {
    const fake = new ScriptedFetch();
    fake.on('DELETE', PATH, challenge([['m.login.password']]));
    fake.on('DELETE', PATH, json(200, {}));
    await deleteDevice(transportOf(fake), 'OTHER', AUTH);
    const [first, second] = fake.requestsTo(PATH, 'DELETE');
    expect(first?.body).toEqual({});
    expect(second?.body).toEqual({
      auth: {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: '@me:hs.example' },
        password: 'pw',
        session: 'S1',
      },
    });
  });

  it('is done after one request when the server asks for no auth', async () => {
    const fake = new ScriptedFetch();
    fake.on('DELETE', PATH, json(200, {}));
    await deleteDevice(transportOf(fake), 'OTHER', AUTH);
    expect(fake.requestsTo(PATH)).toHaveLength(1);
  });

  it('reports a wrong password without retrying', async () => {
    const fake = new ScriptedFetch();
    fake.on('DELETE', PATH, challenge([['m.login.password']]));
    fake.on('DELETE', PATH, matrixError(401, 'M_FORBIDDEN', 'Invalid password'));
    const error = await deleteDevice(transportOf(fake), 'OTHER', AUTH).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceSignOutError);
    expect((error as DeviceSignOutError).reason).toBe('wrong-password');
    expect(fake.requestsTo(PATH)).toHaveLength(2);
  });

  it('refuses before sending the password when the server offers only SSO', async () => {
    const fake = new ScriptedFetch();
    fake.on('DELETE', PATH, challenge([['m.login.sso']]));
    const error = await deleteDevice(transportOf(fake), 'OTHER', AUTH).catch((e: unknown) => e);
    expect((error as DeviceSignOutError).reason).toBe('unsupported-auth');
    expect((error as Error).message).toContain('m.login.sso');
    expect(fake.requestsTo(PATH)).toHaveLength(1);
  });

  it('explains a 404 (devices managed by the OAuth provider) and passes other errors through', async () => {
    const fake = new ScriptedFetch();
    fake.on('DELETE', PATH, matrixError(404, 'M_UNRECOGNIZED', ''));
    const managed = await deleteDevice(transportOf(fake), 'OTHER', AUTH).catch((e: unknown) => e);
    expect((managed as DeviceSignOutError).reason).toBe('managed-elsewhere');
    fake.on('DELETE', PATH, matrixError(500, 'M_UNKNOWN', 'boom'), 1);
    const other = await deleteDevice(transportOf(fake), 'OTHER', AUTH).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(MatrixApiError);
  });
});
