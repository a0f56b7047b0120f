/**
 * The identities a {@link Transport} can act as:
 *
 * - {@link SessionAuthorization}: a signed-in user's device session. Refreshes the access token
 *   ahead of expiry and once on a soft-logout `401`, shares one refresh between concurrent
 *   requests, and reports once when the session is over (docs/protocol.md §1.4).
 * - {@link AppserviceAuthorization}: an application service's `as_token` with identity assertion
 *   (`user_id`, optionally `device_id` in the query; docs/protocol.md §7), acting for one user
 *   of its namespace; {@link AppserviceAuthorization.forUser} derives the same service for another.
 * - {@link StaticTokenAuthorization}: a token the app cannot refresh (an admin's token for admin
 *   reads, or a pasted token), which simply ends on `401`.
 */
import { sessionInvalidation } from './auth.ts';
import { authorityFor } from './authorities.ts';
import { ClientRefusedError, MatrixApiError, OAuthError } from './errors.ts';
import type { FetchLike } from './http.ts';
import type { Authorization, Credentials } from './transport.ts';
import type { Session } from './types.ts';

/** Reported once when an identity can no longer be used. */
export type SessionExpiredEvent = {
  /** docs/protocol.md §1.4: true → re-login with the same device and keep local state; false → wipe. */
  softLogout: boolean;
  error: unknown;
};

/** Options of {@link SessionAuthorization}. */
export type SessionAuthorizationOptions = {
  fetch?: FetchLike;
  /** Called after a refresh with the new session (persist it). */
  onSessionChanged?: (session: Session) => void;
  /** Called once when the token is rejected and cannot be refreshed. */
  onSessionExpired?: (event: SessionExpiredEvent) => void;
  /** Refresh this long before `expiresAt`, ms. Default 60 000. */
  refreshMarginMs?: number;
  /** Clock (tests). */
  now?: () => number;
};

const DEFAULT_REFRESH_MARGIN_MS = 60_000;

/** A user's own device session (password, SSO, token or OAuth sign-in). */
export class SessionAuthorization implements Authorization {
  private current: Session;
  private readonly options: SessionAuthorizationOptions;
  private refreshing: Promise<Session> | undefined;
  private expired = false;

  constructor(session: Session, options: SessionAuthorizationOptions = {}) {
    this.current = session;
    this.options = options;
  }

  /** The current session (tokens change after a refresh). */
  get session(): Session {
    return this.current;
  }

  get userId(): string {
    return this.current.userId;
  }

  get deviceId(): string {
    return this.current.deviceId;
  }

  /** True once the session was rejected and could not be refreshed, or was logged out. */
  get isExpired(): boolean {
    return this.expired;
  }

  /** Whether a refresh token was issued, so expiry can be handled without the user. */
  get canRefresh(): boolean {
    return this.current.refreshToken !== undefined;
  }

  async prepare(): Promise<Credentials> {
    await this.refreshIfExpiring();
    return { accessToken: this.current.accessToken };
  }

  async recover(error: MatrixApiError, used: Credentials, isRetry: boolean): Promise<boolean> {
    const invalidation = sessionInvalidation(error);
    if (!invalidation) return false;
    if (isRetry) {
      this.markExpired(invalidation.softLogout, error);
      return false;
    }
    // Another request refreshed meanwhile: retry with the new token.
    if (this.current.accessToken !== used.accessToken && !this.expired) return true;
    // Legacy: only a soft logout can be cured by a refresh (docs/protocol.md §1.4). OAuth: any
    // rejected access token is worth one refresh before giving up (§1.5).
    const mayRefresh = invalidation.softLogout || this.current.authApi === 'oauth';
    if (mayRefresh && this.canRefresh && !this.expired) {
      try {
        await this.refresh();
        return true;
      } catch (refreshError) {
        // A refusal (4xx) ends the session; a network failure is transient (retry later). The
        // server's own `soft_logout` says what is left: an OAuth token rejected with `false` (the
        // device or grant is gone) stays a hard logout when its refresh is refused too.
        if (!isRefusal(refreshError)) throw refreshError;
        this.markExpired(invalidation.softLogout, error);
        return false;
      }
    }
    this.markExpired(invalidation.softLogout, error);
    return false;
  }

  secrets(): readonly (string | undefined)[] {
    return [this.current.accessToken, this.current.refreshToken];
  }

  /**
   * Refreshes the access token now (docs/protocol.md §1.4); concurrent callers share one
   * refresh. Not abortable on purpose: a refresh abandoned after the server rotated the tokens
   * would leave us with the old pair.
   */
  refresh(): Promise<Session> {
    this.refreshing ??= (async () => {
      try {
        const next = await authorityFor(this.current).refresh(this.current, {
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
          ...(this.options.now ? { now: this.options.now } : {}),
        });
        this.current = next;
        this.options.onSessionChanged?.(next);
        return next;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Ends the session on the server (deletes the device) and marks it unusable. */
  async logout(options: { signal?: AbortSignal } = {}): Promise<void> {
    await authorityFor(this.current).logout(this.current, {
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.expired = true;
  }

  private async refreshIfExpiring(): Promise<void> {
    const { expiresAt } = this.current;
    if (expiresAt === undefined || !this.canRefresh || this.expired) return;
    const now = (this.options.now ?? Date.now)();
    if (now < expiresAt - (this.options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS)) return;
    try {
      await this.refresh();
    } catch (error) {
      // A refusal ends the session; anything else: try the request with the old token anyway.
      if (!isRefusal(error)) return;
      this.markExpired(true, error);
      throw error;
    }
  }

  private markExpired(softLogout: boolean, error: unknown): void {
    if (this.expired) return;
    this.expired = true;
    this.options.onSessionExpired?.({ softLogout, error });
  }
}

/** Whether a failed refresh means "never again" (a 4xx, an OAuth error) rather than "not now". */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof MatrixApiError || error instanceof ClientRefusedError || error instanceof OAuthError
  );
}

/** Construction arguments of the identities whose token cannot be refreshed. */
export type FixedTokenArgs = {
  userId: string;
  deviceId?: string;
  /** Called once when the server rejects the token. */
  onExpired?: (event: SessionExpiredEvent) => void;
};

/** A token the app cannot refresh: it is used as is and ends, once, on a session-ending `401`. */
abstract class FixedTokenAuthorization implements Authorization {
  readonly userId: string;
  readonly deviceId: string | undefined;
  /** True once the server rejected the token. */
  isExpired = false;
  protected readonly token: string;
  protected readonly onExpired: ((event: SessionExpiredEvent) => void) | undefined;

  protected constructor(token: string, args: FixedTokenArgs) {
    this.token = token;
    this.userId = args.userId;
    this.deviceId = args.deviceId;
    this.onExpired = args.onExpired;
  }

  abstract prepare(): Promise<Credentials>;

  recover(error: MatrixApiError): Promise<boolean> {
    if (!this.isExpired)
      this.onExpired?.({ softLogout: sessionInvalidation(error)?.softLogout ?? false, error });
    this.isExpired = true;
    return Promise.resolve(false);
  }

  secrets(): readonly (string | undefined)[] {
    return [this.token];
  }
}

/**
 * An application service acting for one user of its namespace (docs/protocol.md §7). Its
 * `as_token` cannot be refreshed: a rejection means the registration changed or was removed.
 */
export class AppserviceAuthorization extends FixedTokenAuthorization {
  constructor(args: FixedTokenArgs & { asToken: string }) {
    super(args.asToken, args);
  }

  /** The same service acting for another user (and optionally one of their devices). */
  forUser(userId: string, deviceId?: string): AppserviceAuthorization {
    return new AppserviceAuthorization({
      asToken: this.token,
      userId,
      ...(deviceId ? { deviceId } : {}),
      ...(this.onExpired ? { onExpired: this.onExpired } : {}),
    });
  }

  prepare(): Promise<Credentials> {
    return Promise.resolve({
      accessToken: this.token,
      query: { user_id: this.userId, ...(this.deviceId ? { device_id: this.deviceId } : {}) },
    });
  }
}

/** A token the app cannot refresh (an admin's token for admin reads, a pasted token outside a session). */
export class StaticTokenAuthorization extends FixedTokenAuthorization {
  constructor(args: FixedTokenArgs & { accessToken: string }) {
    super(args.accessToken, args);
  }

  prepare(): Promise<Credentials> {
    return Promise.resolve({ accessToken: this.token });
  }
}
