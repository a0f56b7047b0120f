/**
 * `MatrixClient`: a thin façade for one signed-in user's session, composing the layer's parts:
 *
 *   SessionAuthorization (tokens, refresh, expiry) ─▶ Transport (the one request path)
 *     ─▶ endpoint modules: api/account-data, api/capabilities, api/devices, api/rooms, api/key-backup,
 *        api/admin
 *
 * It exists so callers that act as a signed-in user (the app, the CLI, integration tests) have one
 * object to hold. Other identities (an appservice acting for one of its users, an admin) get the same
 * façade with {@link MatrixClient.forAuthorization}; they have no session to refresh or end.
 */
import type { WhoamiResponse } from './auth.ts';
import {
  AccountDataApi,
  type AccountDataResult,
  type DeleteAccountDataResult,
  type RoomTag,
  type SetAccountDataResult,
} from './api/account-data.ts';
import { getAdminAccountData, isServerAdmin, type AdminAccountData } from './api/admin.ts';
import type { CallOptions } from './api/call-options.ts';
import { CapabilitiesApi } from './api/capabilities.ts';
import { deleteDevice, getDevices, type Device } from './api/devices.ts';
import { getKeyBackupVersion, type KeyBackupVersion } from './api/key-backup.ts';
import { getJoinedRooms } from './api/rooms.ts';
import { SessionAuthorization, type SessionAuthorizationOptions } from './authorization.ts';
import { ClientRefusedError } from './errors.ts';
import type { VersionsResponse } from './capabilities.ts';
import { WHOAMI_PATH } from './endpoints.ts';
import type { EncodedPath, HttpMethod, RequestOptions } from './http.ts';
import { Transport, type Authorization } from './transport.ts';
import type { AccountDataScope, ServerCapabilities, Session } from './types.ts';

export type {
  AdminAccountData,
  AccountDataResult,
  CallOptions,
  DeleteAccountDataResult,
  Device,
  KeyBackupVersion,
  RoomTag,
  SetAccountDataResult,
};
export type { SessionExpiredEvent } from './authorization.ts';

/** Construction options. */
export type MatrixClientOptions = SessionAuthorizationOptions & {
  /** Default per-request timeout, ms. Default 30 000. */
  timeoutMs?: number;
  /** Capabilities probed before sign-in, so the first sync needs no second probe. */
  capabilities?: ServerCapabilities;
};

/** An identity other than a user session, and the homeserver it acts on. */
export type AuthorizedIdentity = { baseUrl: string; authorization: Authorization };

/**
 * A client bound to one identity: a user session (`new MatrixClient(session)`), or any other
 * {@link Authorization} ({@link MatrixClient.forAuthorization}). Create it per identity and pass it in
 * (no singletons).
 */
export class MatrixClient {
  readonly authorization: Authorization;
  readonly transport: Transport;
  readonly capabilities: CapabilitiesApi;
  readonly accountData: AccountDataApi;
  /** Set when the identity is a user session (refresh, logout). */
  private readonly sessionAuthorization: SessionAuthorization | undefined;

  constructor(identity: Session | AuthorizedIdentity, options: MatrixClientOptions = {}) {
    if ('authorization' in identity) {
      this.authorization = identity.authorization;
    } else {
      this.sessionAuthorization = new SessionAuthorization(identity, options);
      this.authorization = this.sessionAuthorization;
    }
    this.transport = new Transport({
      baseUrl: identity.baseUrl,
      authorization: this.authorization,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.capabilities = new CapabilitiesApi(this.transport, options.fetch ? { fetch: options.fetch } : {});
    if (options.capabilities) this.capabilities.seed(options.capabilities);
    this.accountData = new AccountDataApi(this.transport, this.capabilities);
  }

  /**
   * A client for any identity, e.g. an application service acting for one of its users
   * (`AppserviceAuthorization.forUser`, docs/protocol.md §7).
   */
  static forAuthorization(
    authorization: Authorization,
    options: Omit<MatrixClientOptions, keyof SessionAuthorizationOptions> & {
      baseUrl: string;
      fetch?: SessionAuthorizationOptions['fetch'];
    },
  ): MatrixClient {
    const { baseUrl, ...rest } = options;
    return new MatrixClient({ baseUrl, authorization }, rest);
  }

  /**
   * The current user session (tokens change after a refresh).
   *
   * @throws Error when the client acts for another identity (see {@link MatrixClient.forAuthorization}).
   */
  get session(): Session {
    if (!this.sessionAuthorization) throw new Error('This client does not act for a user session.');
    return this.sessionAuthorization.session;
  }

  /** Homeserver base URL without a trailing slash. */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  get userId(): string {
    return this.authorization.userId;
  }

  /** The device the client acts for; `''` when the identity has none (an application service). */
  get deviceId(): string {
    return this.authorization.deviceId ?? '';
  }

  get isExpired(): boolean {
    return this.authorization.isExpired === true;
  }

  get canRefresh(): boolean {
    return this.sessionAuthorization?.canRefresh ?? false;
  }

  /** Low-level authenticated request (see {@link Transport.request}); used by the sync engines. */
  request<T = unknown>(method: HttpMethod, path: EncodedPath, options: RequestOptions = {}): Promise<T> {
    return this.transport.request<T>(method, path, options);
  }

  /** Refreshes the access token now (docs/protocol.md §1.4). */
  refresh(): Promise<Session> {
    if (!this.sessionAuthorization) {
      return Promise.reject(
        new ClientRefusedError('no-refresh-token', 'Only a user session can be refreshed.'),
      );
    }
    return this.sessionAuthorization.refresh();
  }

  /** `GET /v3/account/whoami`. */
  whoami(options: CallOptions = {}): Promise<WhoamiResponse> {
    return this.request<WhoamiResponse>('GET', WHOAMI_PATH, options);
  }

  /** Authenticated `/versions` (docs/protocol.md §1.2); shared and cached until `refresh: true`. */
  getVersions(options: CallOptions & { refresh?: boolean } = {}): Promise<VersionsResponse> {
    return this.capabilities.getVersions(options);
  }

  /** Server capabilities; shared and cached until `refresh: true`. */
  getCapabilities(options: CallOptions & { refresh?: boolean } = {}): Promise<ServerCapabilities> {
    return this.capabilities.getCapabilities(options);
  }

  getAccountData(scope: AccountDataScope, type: string, options?: CallOptions): Promise<AccountDataResult> {
    return this.accountData.getAccountData(scope, type, options);
  }

  setAccountData(
    scope: AccountDataScope,
    type: string,
    content: unknown,
    options?: CallOptions,
  ): Promise<SetAccountDataResult> {
    return this.accountData.setAccountData(scope, type, content, options);
  }

  deleteAccountData(
    scope: AccountDataScope,
    type: string,
    options?: CallOptions,
  ): Promise<DeleteAccountDataResult> {
    return this.accountData.deleteAccountData(scope, type, options);
  }

  getRoomTags(roomId: string, options?: CallOptions): Promise<Record<string, RoomTag>> {
    return this.accountData.getRoomTags(roomId, options);
  }

  supportsDeviceAccountData(options?: CallOptions): Promise<boolean> {
    return this.accountData.supportsDeviceAccountData(options);
  }

  getDevices(options?: CallOptions): Promise<Device[]> {
    return getDevices(this.transport, options);
  }

  /** Signs another of the user's devices out, answering the server's password prompt (docs/protocol.md §5). */
  deleteDevice(deviceId: string, password: string, options?: CallOptions): Promise<void> {
    return deleteDevice(this.transport, deviceId, { userId: this.userId, password }, options);
  }

  getJoinedRooms(options?: CallOptions): Promise<string[]> {
    return getJoinedRooms(this.transport, options);
  }

  /**
   * Whether this identity's user is a Synapse server admin (docs/protocol.md §2 "Listing everything");
   * `403`/`404` answer false.
   */
  isServerAdmin(options?: CallOptions): Promise<boolean> {
    return isServerAdmin(this.transport, this.userId, options);
  }

  /**
   * Every global and room entry of `userId` (default: this identity's user) through Synapse's admin
   * API; needs an admin's token (throws `AdminLookupError` otherwise, docs/protocol.md §2).
   */
  getAdminAccountData(userId: string = this.userId, options?: CallOptions): Promise<AdminAccountData> {
    return getAdminAccountData(this.transport, userId, options);
  }

  getKeyBackupVersion(options?: CallOptions): Promise<KeyBackupVersion | null> {
    return getKeyBackupVersion(this.transport, options);
  }

  /**
   * Logs out (deletes this device, docs/protocol.md §1.4) and marks the client unusable. Another
   * identity (an application service's token) has nothing to end at the server: this resolves at once.
   */
  logout(options: CallOptions = {}): Promise<void> {
    return this.sessionAuthorization ? this.sessionAuthorization.logout(options) : Promise.resolve();
  }
}
