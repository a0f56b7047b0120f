import { describe, expect, it } from 'vitest';
import { ClientRefusedError, MatrixApiError } from '../errors.ts';
import { ScriptedFetch, json, matrixError } from '../testing/scripted-fetch.ts';
import { appserviceSignIn } from './sign-in.ts';

const registration = {
  id: 'bridge',
  asToken: 'as-token',
  senderLocalpart: '_bridge',
  userRegexes: ['@_bridge_.*:hs'],
};

describe('appserviceSignIn', () => {
  it('checks the as_token with whoami (no user_id: acts as the sender) and keeps no hs_token', async () => {
    const fake = new ScriptedFetch();
    fake.on(
      'GET',
      '/_matrix/client/v3/account/whoami',
      json(200, { user_id: '@_bridge:hs', is_guest: false }),
    );
    const session = await appserviceSignIn('https://hs.example/', registration, { fetch: fake.fetch });
    expect(session).toEqual({
      kind: 'appservice',
      baseUrl: 'https://hs.example',
      asToken: 'as-token',
      registrationId: 'bridge',
      senderUserId: '@_bridge:hs',
      userRegexes: ['@_bridge_.*:hs'],
    });
    const [request] = fake.requests;
    expect(request?.headers.authorization).toBe('Bearer as-token');
    expect(request?.query).toEqual({});
  });

  it("refuses a user's access token (whoami answers with a device) and another service's token", async () => {
    const fake = new ScriptedFetch();
    fake.on('GET', undefined, json(200, { user_id: '@_bridge:hs', device_id: 'DEV' }));
    fake.on('GET', undefined, json(200, { user_id: '@other:hs' }));
    await expect(appserviceSignIn('https://hs.example', registration, { fetch: fake.fetch })).rejects.toThrow(
      ClientRefusedError,
    );
    await expect(appserviceSignIn('https://hs.example', registration, { fetch: fake.fetch })).rejects.toThrow(
      /acts for @other:hs, not for the registration's sender "_bridge"/,
    );
  });

  it('passes the server refusal of an unknown as_token on', async () => {
    const fake = new ScriptedFetch();
    fake.on('GET', undefined, matrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token'));
    const error: unknown = await appserviceSignIn('https://hs.example', registration, {
      fetch: fake.fetch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatrixApiError);
    expect((error as MatrixApiError).errcode).toBe('M_UNKNOWN_TOKEN');
  });
});
