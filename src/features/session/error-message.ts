/**
 * Turns sign-in failures into sentences for people. Never includes tokens (the Matrix layer keeps
 * them out of every error; we only read codes and the server's own text).
 */
import { DiscoveryError } from '../../matrix/discovery.ts';
import { ClientRefusedError, MatrixApiError, MatrixNetworkError, OAuthError } from '../../matrix/errors.ts';

/** `method` tells a wrong password (password form) from a refused token (token form). */
export function signInErrorMessage(
  error: unknown,
  method: 'password' | 'token' | 'discovery' | 'sso' | 'oauth' = 'password',
): string {
  if (error instanceof DiscoveryError) return error.message;
  if (error instanceof OAuthError) return error.message;
  if (method === 'sso' && error instanceof MatrixApiError && error.errcode === 'M_FORBIDDEN') {
    return 'The homeserver refused the single sign-on answer: it expired or was used already. Start again.';
  }
  if (error instanceof ClientRefusedError) return error.message;
  if (error instanceof MatrixNetworkError) {
    return error.isTimeout
      ? 'The homeserver did not answer in time. Check the address and your connection, then try again.'
      : 'Could not reach the homeserver. It may be down, the address may be wrong, or it does not allow requests from this site (CORS).';
  }
  if (error instanceof MatrixApiError) {
    switch (error.errcode) {
      case 'M_FORBIDDEN':
        return method === 'password'
          ? 'Wrong username or password.'
          : `The homeserver refused: ${error.serverMessage || 'forbidden'}.`;
      case 'M_USER_DEACTIVATED':
        return 'This account has been deactivated.';
      case 'M_USER_LOCKED':
        return 'This account is locked. Contact your homeserver administrator.';
      case 'M_UNKNOWN_TOKEN':
      case 'M_MISSING_TOKEN':
        return 'That access token is not valid on this homeserver (it may have been revoked or belong to another server).';
      case 'M_LIMIT_EXCEEDED':
        return `Too many attempts. Wait ${Math.ceil((error.retryAfterMs ?? 5000) / 1000)} seconds and try again.`;
      default:
        return `The homeserver refused: ${error.serverMessage || error.errcode} (HTTP ${error.status}).`;
    }
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
