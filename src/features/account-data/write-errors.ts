/**
 * Write failures in words. The server is the authority on what it refused; we add what to do next.
 */
import {
  ClientRefusedError,
  MatrixApiError,
  MatrixNetworkError,
  UnsupportedFeatureError,
} from '../../matrix/errors.ts';
import { formatBytes } from '../../lib/format.ts';

/**
 * The limit a `413 M_TOO_LARGE` names, when it does: Synapse says "Request content is too large
 * (>52428800)" (docs/protocol.md §0 "Sizes"). Undefined for any other wording.
 */
export function tooLargeLimit(serverMessage: string): number | undefined {
  const match = /\(>\s*(\d+)\)/.exec(serverMessage);
  const limit = match?.[1] === undefined ? NaN : Number(match[1]);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}

/** What the caller knows about the write that failed. */
export type WriteErrorContext = {
  /** Bytes of the request body (compact JSON), when the write sent content. */
  bodyBytes?: number;
};

/**
 * Bodies above this size that end in a dropped connection were most likely refused for their size:
 * Synapse 1.160 resets the connection, without any answer, once a body passes its limit (50 MiB by
 * default, docs/protocol.md §0 "Sizes"); smaller limits exist behind proxies, but none below 1 MiB is
 * common (nginx's default `client_max_body_size` answers 413).
 */
const DROPPED_LARGE_BODY_BYTES = 1024 * 1024;

export function writeErrorMessage(error: unknown, context: WriteErrorContext = {}): string {
  if (error instanceof ClientRefusedError || error instanceof UnsupportedFeatureError) return error.message;
  if (
    error instanceof MatrixNetworkError &&
    !error.isTimeout &&
    context.bodyBytes !== undefined &&
    context.bodyBytes > DROPPED_LARGE_BODY_BYTES
  ) {
    return `The homeserver dropped the connection while receiving ${formatBytes(context.bodyBytes)}, so nothing was changed. The content is probably too large for this server (Synapse drops requests over 50 MB by default without an answer). Your edit is kept: make it smaller, for example by splitting it into several entries.`;
  }
  if (error instanceof MatrixNetworkError) {
    return 'The homeserver could not be reached, so nothing was changed. Your edit is kept; try again when you are back online.';
  }
  if (error instanceof MatrixApiError) {
    // A proxy in front of the server answers 413 with an HTML page: no errcode, same meaning.
    switch (error.status === 413 ? 'M_TOO_LARGE' : error.errcode) {
      case 'M_TOO_LARGE': {
        const limit = tooLargeLimit(error.serverMessage);
        const accepts = limit === undefined ? '' : ` (it accepts requests up to ${formatBytes(limit)})`;
        return `The content is too large for this server${accepts}, so nothing was changed. Your edit is kept: make it smaller, for example by splitting it into several entries.`;
      }
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
