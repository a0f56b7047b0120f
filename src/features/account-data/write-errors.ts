/**
 * Write failures in words. The server is the authority on what it refused; we add what to do next.
 */
import {
  ClientRefusedError,
  MatrixApiError,
  MatrixNetworkError,
  UnsupportedFeatureError,
} from '../../matrix/errors.ts';

export function writeErrorMessage(error: unknown): string {
  if (error instanceof ClientRefusedError || error instanceof UnsupportedFeatureError) return error.message;
  if (error instanceof MatrixNetworkError) {
    return 'The homeserver could not be reached, so nothing was changed. Your edit is kept; try again when you are back online.';
  }
  if (error instanceof MatrixApiError) {
    switch (error.errcode) {
      case 'M_TOO_LARGE':
        return 'The homeserver refused the content because it is too large.';
      case 'M_NOT_JSON':
      case 'M_BAD_JSON':
        return `The homeserver refused the content: ${error.serverMessage || error.errcode}.`;
      case 'M_FORBIDDEN':
        return `The homeserver does not allow this: ${error.serverMessage || 'forbidden'}.`;
      case 'M_LIMIT_EXCEEDED':
        return 'The homeserver is rate-limiting requests. Wait a moment and try again.';
      default:
        return `The homeserver refused the change: ${error.serverMessage || error.errcode} (HTTP ${error.status}).`;
    }
  }
  return error instanceof Error ? error.message : 'The change failed.';
}
