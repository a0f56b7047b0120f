/**
 * Signs in as an application service (docs/protocol.md §7): `GET /v3/account/whoami` with the
 * `as_token` and no `user_id` acts as the service's sender user. The answer must be
 * `@<sender_localpart>:…` without a device — a user's access token (it has a device) or another
 * service's token is refused before the app uses it.
 */
import type { AuthRequestOptions } from '../auth.ts';
import { ClientRefusedError, MatrixResponseError } from '../errors.ts';
import { CLIENT_V3, HttpClient, matrixPath, normaliseBaseUrl } from '../http.ts';
import { isRecord } from '../json.ts';
import type { AppserviceSession } from '../types.ts';
import type { AppserviceRegistration } from './registration.ts';

/** Checks the registration's `as_token` with whoami and returns the session (no `hs_token` in it). */
export async function appserviceSignIn(
  baseUrl: string,
  registration: AppserviceRegistration,
  options: AuthRequestOptions = {},
): Promise<AppserviceSession> {
  const path = matrixPath(CLIENT_V3, 'account', 'whoami');
  const http = new HttpClient({
    baseUrl,
    getAccessToken: () => registration.asToken,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const res = await http.request('GET', path, { signal: options.signal });
  if (!isRecord(res) || typeof res.user_id !== 'string') {
    throw new MatrixResponseError({ method: 'GET', path, status: 200, detail: 'incomplete whoami response' });
  }
  const userId = res.user_id;
  const localpart = userId.slice(1, userId.indexOf(':'));
  if (typeof res.device_id === 'string' || localpart !== registration.senderLocalpart) {
    throw new ClientRefusedError(
      'not-appservice',
      `This as_token acts for ${userId}${typeof res.device_id === 'string' ? ` on device ${res.device_id}` : ''}, not for the registration's sender "${registration.senderLocalpart}": it is not this application service's token.`,
    );
  }
  return {
    kind: 'appservice',
    baseUrl: normaliseBaseUrl(baseUrl),
    asToken: registration.asToken,
    registrationId: registration.id,
    senderUserId: userId,
    userRegexes: [...registration.userRegexes],
    ...(registration.url === undefined ? {} : { url: registration.url }),
  };
}
