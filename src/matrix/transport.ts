/**
 * The transport: every authenticated request of the Matrix layer goes through {@link Transport},
 * whatever identity it acts as. It is the one place that
 *
 * - asks the {@link Authorization} for credentials (a user's access token, refreshed ahead of
 *   expiry; an appservice's `as_token` plus identity assertion; an admin's token) and adds the
 *   `Authorization` header and any identity query parameters;
 * - retries `429 M_LIMIT_EXCEEDED` and maps failures to typed errors (both in {@link HttpClient});
 * - hands a session-ending `401` to the authorization, which may cure it once (refresh) or end the
 *   identity (soft/hard logout, docs/protocol.md §1.4).
 *
 * Endpoint modules (`api/*.ts`) and the sync engines are written against this class only, so the
 * same code serves a signed-in user, an appservice acting for many users and an admin.
 */
import { sessionInvalidation } from './auth.ts';
import { MatrixApiError } from './errors.ts';
import {
  HttpClient,
  type EncodedPath,
  type FetchLike,
  type HttpMethod,
  type QueryParams,
  type RequestOptions,
} from './http.ts';

/** What one authenticated attempt sends. */
export type Credentials = {
  /** Sent only as `Authorization: Bearer …`, never in a URL. */
  accessToken: string;
  /** Identity assertion (appservice `user_id`, `device_id`); merged into the query. */
  query?: QueryParams;
};

/**
 * Who the requests act as, and how their credentials are kept valid. Implementations live in
 * `authorization.ts`.
 */
export interface Authorization {
  /** The Matrix user the requests act for. */
  readonly userId: string;
  /** The device the requests act for, when there is one. */
  readonly deviceId: string | undefined;
  /** True once the identity can no longer be used (rejected, logged out); absent: never tracked. */
  readonly isExpired?: boolean;
  /** Credentials for the next attempt; may refresh an expiring token first. */
  prepare(): Promise<Credentials>;
  /**
   * A request sent with `used` failed with a session-ending `401` (see `sessionInvalidation`).
   * Resolves true when the request should be sent once more with fresh credentials; false ends it
   * (the error is rethrown). `isRetry` is true when the failed attempt was already that retry.
   */
  recover(error: MatrixApiError, used: Credentials, isRetry: boolean): Promise<boolean>;
  /** Secrets besides the token used (e.g. a refresh token) to scrub from error texts. */
  secrets(): readonly (string | undefined)[];
}

/** Construction options of {@link Transport}. */
export type TransportOptions = {
  baseUrl: string;
  authorization: Authorization;
  fetch?: FetchLike;
  /** Default per-request timeout, ms (see {@link HttpClient}). */
  timeoutMs?: number;
};

/** Authenticated requests to one homeserver as one identity. Create one per identity; never a singleton. */
export class Transport {
  readonly authorization: Authorization;
  private readonly http: HttpClient;

  constructor(options: TransportOptions) {
    this.authorization = options.authorization;
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      getSecrets: () => options.authorization.secrets(),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** Homeserver base URL without a trailing slash. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** The user the requests act for. */
  get userId(): string {
    return this.authorization.userId;
  }

  /**
   * Sends one request and returns the parsed JSON body. `authenticated: false` sends no
   * credentials at all (discovery-style probes such as `GET /login`).
   *
   * @throws the typed errors of {@link HttpClient.request}; an abort rejects with the caller's reason.
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: EncodedPath,
    options: RequestOptions = {},
  ): Promise<T> {
    if (options.authenticated === false) return this.http.request<T>(method, path, options);
    const first = await this.authorization.prepare();
    try {
      return await this.http.request<T>(method, path, withCredentials(options, first));
    } catch (error) {
      if (!isSessionEnding(error) || !(await this.authorization.recover(error, first, false))) throw error;
    }
    // Cured (refreshed, or another request refreshed meanwhile): one more attempt, no further cure.
    const second = await this.authorization.prepare();
    try {
      return await this.http.request<T>(method, path, withCredentials(options, second));
    } catch (error) {
      if (isSessionEnding(error)) await this.authorization.recover(error, second, true);
      throw error;
    }
  }
}

function isSessionEnding(error: unknown): error is MatrixApiError {
  return error instanceof MatrixApiError && sessionInvalidation(error) !== null;
}

function withCredentials(options: RequestOptions, credentials: Credentials): RequestOptions {
  return {
    ...options,
    accessToken: credentials.accessToken,
    ...(credentials.query ? { query: { ...options.query, ...credentials.query } } : {}),
  };
}
