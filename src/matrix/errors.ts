/**
 * Typed failures of the Matrix layer. Every request either resolves, rejects with one of these
 * classes, or rejects with the caller's own abort reason (aborts pass through unchanged so
 * `signal.aborted` checks and `AbortError` handling keep working).
 *
 * None of these messages may contain an access or refresh token: messages are built from the HTTP
 * method, the path (tokens never go into URLs, docs/protocol.md §0) and the server's `error` text, which
 * the request layer scrubs of the token as a last line of defence.
 */

/** Fallback `errcode` when the server's error body carried none (e.g. an HTML page from a proxy). */
export const ERRCODE_MISSING = 'M_UNKNOWN';

/** Options shared by {@link MatrixApiError}'s constructor. */
export type MatrixApiErrorInit = {
  status: number;
  errcode: string;
  /** The server's `error` text (already scrubbed of secrets). */
  serverMessage: string;
  method: string;
  /** Path without query string, e.g. `/_matrix/client/v3/user/%40a%3Ax/account_data/m.direct`. */
  path: string;
  body: unknown;
  /** From the body's `retry_after_ms` (the `Retry-After` header is unreadable cross-origin, docs/protocol.md §1.6). */
  retryAfterMs?: number;
  /** From the body's `soft_logout` on `401 M_UNKNOWN_TOKEN` (docs/protocol.md §1.4). */
  softLogout?: boolean;
};

/**
 * The server answered with a non-2xx status. Branch on {@link status} **and** {@link errcode},
 * never on the message (docs/protocol.md §0).
 */
export class MatrixApiError extends Error {
  override readonly name = 'MatrixApiError';
  readonly status: number;
  /** The body's `errcode`, or {@link ERRCODE_MISSING} when there was none. */
  readonly errcode: string;
  readonly retryAfterMs?: number;
  readonly softLogout?: boolean;
  /** Parsed JSON error body (or the raw text when it was not JSON). Contains no token. */
  readonly body: unknown;
  readonly method: string;
  readonly path: string;
  /** The server's own `error` text. */
  readonly serverMessage: string;

  constructor(init: MatrixApiErrorInit) {
    super(
      `${init.method} ${init.path} failed: HTTP ${init.status} ${init.errcode}${init.serverMessage ? `: ${init.serverMessage}` : ''}`,
    );
    this.status = init.status;
    this.errcode = init.errcode;
    this.serverMessage = init.serverMessage;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.softLogout !== undefined) this.softLogout = init.softLogout;
  }

  /** True when this is `status` (and, if given, `errcode`). */
  is(status: number, errcode?: string): boolean {
    return this.status === status && (errcode === undefined || this.errcode === errcode);
  }
}

/**
 * The request never got an HTTP answer: DNS, refused connection, TLS, a client-side timeout, or —
 * in a browser — a CORS refusal, which surfaces as a bare `TypeError` with no status.
 */
export class MatrixNetworkError extends Error {
  override readonly name = 'MatrixNetworkError';
  readonly method: string;
  readonly path: string;
  /** True when our own timeout fired (as opposed to the network failing). */
  readonly isTimeout: boolean;

  constructor(init: { method: string; path: string; cause: unknown; isTimeout?: boolean; detail?: string }) {
    const detail = init.detail ?? (init.isTimeout ? 'timed out' : describeCause(init.cause));
    super(`${init.method} ${init.path} failed: ${detail}`, { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    this.isTimeout = init.isTimeout ?? false;
  }
}

/**
 * The server answered 2xx but the body is not what the Matrix API promises (not JSON, or not an
 * object). Typically a web page served where a homeserver was expected.
 */
export class MatrixResponseError extends Error {
  override readonly name = 'MatrixResponseError';
  readonly status: number;
  readonly method: string;
  readonly path: string;

  constructor(init: { method: string; path: string; status: number; detail: string; cause?: unknown }) {
    super(`${init.method} ${init.path}: ${init.detail}`, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
  }
}

/** Why the client refused an operation before sending any request. */
export type ClientRefusalCode =
  | 'empty-type'
  /** A type of only spaces, or longer than 255 bytes of UTF-8 (src/matrix/type-names.ts). */
  | 'invalid-type'
  | 'invalid-content'
  | 'server-managed'
  /** MSC4331: another device's per-device data; only that device may write it (docs/protocol.md §5). */
  | 'other-device'
  | 'invalid-tags'
  | 'invalid-scope'
  | 'no-refresh-token'
  | 'not-device-bound'
  | 'guest'
  | 'unsupported-auth-api'
  /** The `as_token` acts for someone other than the registration's sender (docs/protocol.md §7). */
  | 'not-appservice'
  /** A read-only view (an admin's look at another user's snapshot) sends no requests (ADR 013). */
  | 'read-only';

/**
 * The client refused before any request was made, with a human-readable {@link reason} that the UI
 * can show as is (e.g. "m.push_rules is managed by the server; use the /pushrules API").
 */
export class ClientRefusedError extends Error {
  override readonly name = 'ClientRefusedError';
  readonly code: ClientRefusalCode;
  readonly reason: string;

  constructor(code: ClientRefusalCode, reason: string) {
    super(reason);
    this.code = code;
    this.reason = reason;
  }
}

/**
 * The server does not implement an optional feature that was probed for (for example MSC4331
 * per-device account data answering `404 M_UNRECOGNIZED` on both paths). Distinct from "absent".
 */
export class UnsupportedFeatureError extends Error {
  override readonly name = 'UnsupportedFeatureError';
  /** E.g. `MSC4331`. */
  readonly feature: string;

  constructor(feature: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.feature = feature;
  }
}

/** True for an abort (`AbortError` DOMException or an `Error` named so). */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}

/** Narrowing helper: `error` is a {@link MatrixApiError} with this status (and errcode, if given). */
export function isMatrixApiError(error: unknown, status?: number, errcode?: string): error is MatrixApiError {
  return (
    error instanceof MatrixApiError &&
    (status === undefined || error.status === status) &&
    (errcode === undefined || error.errcode === errcode)
  );
}

/**
 * `404` that means "no such endpoint" rather than "no such item": `M_UNRECOGNIZED`, or any 404/405
 * whose errcode is not `M_NOT_FOUND` (a proxy's bare 404 page) — docs/protocol.md §0.
 */
export function isEndpointMissing(error: unknown): boolean {
  if (!(error instanceof MatrixApiError)) return false;
  if (error.status === 405) return true;
  return error.status === 404 && error.errcode !== 'M_NOT_FOUND';
}

/** Replaces every occurrence of each secret in `text` with `<redacted>`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('<redacted>');
  }
  return out;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    // Node's undici says "fetch failed" and hides the reason one level down (ECONNREFUSED…).
    const inner = cause.cause;
    if (inner instanceof Error && inner.message) return `${cause.message} (${inner.message})`;
    if (inner && typeof inner === 'object' && 'code' in inner && typeof inner.code === 'string') {
      return `${cause.message} (${inner.code})`;
    }
    return cause.message || cause.name;
  }
  return String(cause);
}

/**
 * The OAuth 2.0 server refused (docs/protocol.md §1.5): `code` is its `error` (e.g. `access_denied`,
 * `invalid_grant`) or one of ours (`state_mismatch`, `registration_failed`, `unsupported_origin`,
 * `no_refresh_token`). The message says what happened in words a user can act on; it never holds a
 * token or code. A refresh ending in this error ends the session.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
