import { describe, expect, it } from 'vitest';
import { MatrixApiError } from '../../matrix/errors.ts';
import { signInErrorMessage } from './error-message.ts';

const forbidden = new MatrixApiError({
  status: 403,
  errcode: 'M_FORBIDDEN',
  serverMessage: 'Guest access not allowed',
  method: 'GET',
  path: '/_matrix/client/v3/account/whoami',
  body: {},
});

describe('signInErrorMessage', () => {
  it('calls M_FORBIDDEN a wrong password only on the password form (regression)', () => {
    expect(signInErrorMessage(forbidden, 'password')).toBe('Wrong username or password.');
    expect(signInErrorMessage(forbidden, 'token')).toBe('The homeserver refused: Guest access not allowed.');
  });
});
