/**
 * `MatrixClient`: one per session. Wraps the request function with automatic token refresh
 * (PROTOCOL §1.4) and offers typed account-data operations that encode the protocol's quirks:
 *
 * - `{}` content and `404 M_NOT_FOUND` both mean "absent" (PROTOCOL §3);
 * - server-managed types are refused before any request, room `m.tag` goes to the tags API (§2);
 * - delete uses MSC3391's unstable DELETE when advertised, else `PUT {}` (§3);
 * - per-device data (MSC4331) probes the stable then the unstable path and reports "unsupported"
 *   distinctly from "absent" (§5).
 */
import { authorityFor, sessionInvalidation, type WhoamiResponse } from './auth.ts';
import {
  buildCapabilities,
  fetchAuthMetadata,
  fetchLoginFlows,
  FEATURE_ACCOUNT_DATA_DELETE,
  validateVersions,
  type VersionsResponse,
} from './discovery.ts';
import {
  DEVICES_PATH,
  JOINED_ROOMS_PATH,
  KEY_BACKUP_VERSION_PATH,
  WHOAMI_PATH,
  deviceAccountDataPath,
  deviceAccountDataUnstablePath,
  globalAccountDataPath,
  msc3391DeletePath,
  roomAccountDataPath,
  roomTagsPath,
} from './endpoints.ts';
import {
  ClientRefusedError,
  MatrixApiError,
  MatrixResponseError,
  UnsupportedFeatureError,
  isEndpointMissing,
  isMatrixApiError,
} from './errors.ts';
import {
  CLIENT_PREFIX,
  HttpClient,
  matrixPath,
  type EncodedPath,
  type FetchLike,
  type HttpMethod,
  type RequestOptions,
} from './http.ts';
import { isEmptyContent, isJsonObject, isRecord, jsonEqual } from './json.ts';
import { writeRoute } from './known-types.ts';
import { SharedRequest } from '../lib/shared-request.ts';
import type { AccountDataScope, JsonObject, JsonValue, ServerCapabilities, Session } from './types.ts';

/** What a read found. `unsupported` (the server lacks the endpoint) is not "absent". */
export type AccountDataResult =
  | { status: 'content'; content: JsonObject }
  /** Never set, deleted (`404 M_NOT_FOUND`), or `{}` (PROTOCOL §3). */
  | { status: 'absent' }
  /** The scope's API is not implemented (MSC4331 device scope on Synapse 1.160). */
  | { status: 'unsupported'; feature: string; reason: string };

/** How a write was made. */
export type SetAccountDataResult =
  | { via: 'account-data' }
  | { via: 'device'; path: 'stable' | 'unstable' }
  /** Room `m.tag`: tags written (`put`) and removed (`deleted`) through the tags API. */
  | { via: 'tags'; put: string[]; deleted: string[] };

/** How a delete was made (PROTOCOL §3). */
export type DeleteAccountDataResult =
  | { method: 'DELETE' | 'PUT_EMPTY' }
  /** Room `m.tag`: every tag removed through the tags API. */
  | { method: 'TAGS'; deleted: string[] };

/** `GET /v3/devices` entry (PROTOCOL §5). */
export type Device = {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
  user_id?: string;
  [key: string]: unknown;
};

/** One tag of `GET …/tags`: `order` is a number in [0,1] when present. */
export type RoomTag = { order?: number; [key: string]: JsonValue | undefined };

/** `GET /v3/room_keys/version` (PROTOCOL §6). `version`/`etag` are strings, `count` an integer. */
export type KeyBackupVersion = {
  algorithm: string;
  auth_data: Record<string, unknown>;
  count: number;
  etag: string;
  version: string;
  [key: string]: unknown;
};

/** Reported once when the session can no longer be used. */
export type SessionExpiredEvent = {
  /** PROTOCOL §1.4: true → re-login with the same device and keep local state; false → wipe. */
  softLogout: boolean;
  error: unknown;
};

/** Construction options. */
export type MatrixClientOptions = {
  fetch?: FetchLike;
  /** Called after a refresh with the new session (persist it in the `SessionStore`). */
  onSessionChanged?: (session: Session) => void;
  /** Called once when the token is rejected and cannot be refreshed. */
  onSessionExpired?: (event: SessionExpiredEvent) => void;
  /** Refresh this long before `expiresAt`, ms. Default 60 000. */
  refreshMarginMs?: number;
  /** Default per-request timeout, ms. Default 30 000. */
  timeoutMs?: number;
  /** Clock (tests). */
  now?: () => number;
};

/** Per-call options. */
export type CallOptions = { signal?: AbortSignal };

type DevicePathKind = 'stable' | 'unstable';

const MSC4331 = 'MSC4331';
const MSC4331_UNSUPPORTED = 'This server does not implement per-device account data (MSC4331).';

/**
 * A client bound to one session. Create it per session and pass it in (no singletons). All
 * requests go through {@link request}, which refreshes an expiring token ahead of time and, on
 * `401 M_UNKNOWN_TOKEN` with `soft_logout: true`, refreshes once and retries.
 */
export class MatrixClient {
  private current: Session;
  private readonly options: MatrixClientOptions;
  private readonly http: HttpClient;
  private refreshing: Promise<Session> | undefined;
  private expired = false;
  private readonly versions = new SharedRequest(() => {
    const path = matrixPath(CLIENT_PREFIX, 'versions');
    return this.request('GET', path).then((body) => validateVersions(body, path));
  });
  private readonly capabilities = new SharedRequest(() => {
    const probe = this.options.fetch ? { fetch: this.options.fetch } : {};
    return Promise.all([
      this.versions.get(),
      fetchLoginFlows(this.current.baseUrl, probe),
      fetchAuthMetadata(this.current.baseUrl, probe),
    ]).then(([versions, flows, oauth]) => buildCapabilities(this.current.baseUrl, versions, flows, oauth));
  });
  private devicePath: DevicePathKind | 'unsupported' | undefined;

  constructor(session: Session, options: MatrixClientOptions = {}) {
    this.current = session;
    this.options = options;
    this.http = new HttpClient({
      baseUrl: session.baseUrl,
      getAccessToken: () => this.current.accessToken,
      getSecrets: () => [this.current.refreshToken],
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** The current session (tokens change after a refresh). */
  get session(): Session {
    return this.current;
  }

  /** The signed-in user's ID. */
  get userId(): string {
    return this.current.userId;
  }

  /** This session's device ID. */
  get deviceId(): string {
    return this.current.deviceId;
  }

  /** True once the session was rejected and could not be refreshed. */
  get isExpired(): boolean {
    return this.expired;
  }

  /** Whether a refresh token was issued, so expiry can be handled without the user. */
  get canRefresh(): boolean {
    return this.current.refreshToken !== undefined;
  }

  /**
   * Low-level authenticated request with refresh handling; used by the sync engines. A `401` that
   * cannot be cured marks the session expired (`onSessionExpired`) and is rethrown.
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: EncodedPath,
    options: RequestOptions = {},
  ): Promise<T> {
    await this.refreshIfExpiring();
    const tokenUsed = this.current.accessToken;
    try {
      return await this.http.request<T>(method, path, options);
    } catch (error) {
      const invalidation = sessionInvalidation(error);
      if (!invalidation) throw error;
      // Another request may have refreshed meanwhile: retry with the new token.
      if (this.current.accessToken !== tokenUsed && !this.expired) {
        return this.retryAfterRefresh<T>(method, path, options);
      }
      if (invalidation.softLogout && this.canRefresh && !this.expired) {
        try {
          await this.refresh();
        } catch (refreshError) {
          // A 4xx from /refresh ends the session; a network failure is transient (retry later).
          if (!(refreshError instanceof MatrixApiError || refreshError instanceof ClientRefusedError)) {
            throw refreshError;
          }
          this.markExpired(true, error);
          throw error;
        }
        return this.retryAfterRefresh<T>(method, path, options);
      }
      this.markExpired(invalidation.softLogout, error);
      throw error;
    }
  }

  private async retryAfterRefresh<T>(
    method: HttpMethod,
    path: EncodedPath,
    options: RequestOptions,
  ): Promise<T> {
    try {
      return await this.http.request<T>(method, path, options);
    } catch (error) {
      const invalidation = sessionInvalidation(error);
      if (invalidation) this.markExpired(invalidation.softLogout, error);
      throw error;
    }
  }

  private async refreshIfExpiring(): Promise<void> {
    const { expiresAt } = this.current;
    if (expiresAt === undefined || !this.canRefresh || this.expired) return;
    const now = (this.options.now ?? Date.now)();
    if (now < expiresAt - (this.options.refreshMarginMs ?? 60_000)) return;
    try {
      await this.refresh();
    } catch (error) {
      // A 4xx ends the session; anything else: try the request with the old token anyway.
      if (!(error instanceof MatrixApiError)) return;
      this.markExpired(true, error);
      throw error;
    }
  }

  /**
   * Refreshes the access token now (PROTOCOL §1.4 `POST /v3/refresh`); concurrent callers share
   * one refresh. Reports the new session through `onSessionChanged`. Not abortable on purpose:
   * a refresh abandoned after the server rotated the tokens would leave us with the old pair.
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

  private markExpired(softLogout: boolean, error: unknown): void {
    if (this.expired) return;
    this.expired = true;
    this.options.onSessionExpired?.({ softLogout, error });
  }

  /** `GET /v3/account/whoami`. */
  whoami(options: CallOptions = {}): Promise<WhoamiResponse> {
    return this.request<WhoamiResponse>('GET', WHOAMI_PATH, options);
  }

  /**
   * `/versions` read **with** the token (per-user overrides, PROTOCOL §1.2); cached until
   * `refresh: true`. Shared between callers and started without any caller's signal: each caller's
   * own abort rejects only that caller (issue #7, StrictMode).
   */
  getVersions(options: CallOptions & { refresh?: boolean } = {}): Promise<VersionsResponse> {
    return this.versions.get(options);
  }

  /** Server capabilities (authenticated `/versions`, login flows, OAuth metadata); cached and shared. */
  getCapabilities(options: CallOptions & { refresh?: boolean } = {}): Promise<ServerCapabilities> {
    if (options.refresh) this.versions.clear();
    return this.capabilities.get(options);
  }

  /**
   * Reads one type. Room `m.tag` is read from the tags API, because Synapse's account-data GET
   * returns 404 even when tags exist (PROTOCOL §2).
   */
  async getAccountData(
    scope: AccountDataScope,
    type: string,
    options: CallOptions = {},
  ): Promise<AccountDataResult> {
    validateTarget(scope, type);
    if (writeRoute(type, scope).kind === 'tags' && scope.kind === 'room') {
      const tags = await this.getRoomTags(scope.roomId, options);
      return Object.keys(tags).length === 0
        ? { status: 'absent' }
        : { status: 'content', content: { tags } as JsonObject };
    }
    if (scope.kind === 'device') return this.getDeviceAccountData(scope.deviceId, type, options);
    const path =
      scope.kind === 'global'
        ? globalAccountDataPath(this.userId, type)
        : roomAccountDataPath(this.userId, scope.roomId, type);
    return toResult(await this.getOrNotFound(path, options));
  }

  /**
   * Writes one type after validating it client-side: non-empty type, a plain JSON object, not a
   * server-managed type (`m.push_rules` → `/pushrules`, `m.fully_read` → `/read_markers`).
   * Room `m.tag` is diffed against the current tags and written through the tags API.
   *
   * Writes are last-writer-wins (PROTOCOL §2): re-read shared maps just before writing.
   *
   * @throws {@link ClientRefusedError} before any request; {@link UnsupportedFeatureError} for
   *   the device scope on servers without MSC4331.
   */
  async setAccountData(
    scope: AccountDataScope,
    type: string,
    content: unknown,
    options: CallOptions = {},
  ): Promise<SetAccountDataResult> {
    validateTarget(scope, type);
    if (!isJsonObject(content)) {
      throw new ClientRefusedError(
        'invalid-content',
        'Account-data content must be a JSON object (not an array, null, a string or a number).',
      );
    }
    const route = writeRoute(type, scope);
    if (route.kind === 'refuse') throw new ClientRefusedError('server-managed', route.reason);
    if (route.kind === 'tags' && scope.kind === 'room') {
      return this.writeTags(scope.roomId, parseTagsContent(content), options);
    }
    if (scope.kind === 'device') {
      const path = await this.putDevice(scope.deviceId, type, content, options);
      return { via: 'device', path };
    }
    const path =
      scope.kind === 'global'
        ? globalAccountDataPath(this.userId, type)
        : roomAccountDataPath(this.userId, scope.roomId, type);
    await this.request('PUT', path, { body: content, signal: options.signal });
    return { via: 'account-data' };
  }

  /**
   * Deletes one type (PROTOCOL §3): MSC3391's unstable `DELETE` when the authenticated `/versions`
   * advertises `org.matrix.msc3391`, otherwise `PUT {}`. If the DELETE route turns out to be
   * missing, falls back to `PUT {}`. Room `m.tag` removes every tag through the tags API.
   */
  async deleteAccountData(
    scope: AccountDataScope,
    type: string,
    options: CallOptions = {},
  ): Promise<DeleteAccountDataResult> {
    validateTarget(scope, type);
    const route = writeRoute(type, scope);
    if (route.kind === 'refuse') throw new ClientRefusedError('server-managed', route.reason);
    if (route.kind === 'tags' && scope.kind === 'room') {
      const result = await this.writeTags(scope.roomId, {}, options);
      return { method: 'TAGS', deleted: result.deleted };
    }
    if (scope.kind === 'device') {
      // MSC4331 defines no DELETE; `{}` is the deletion convention.
      await this.putDevice(scope.deviceId, type, {}, options);
      return { method: 'PUT_EMPTY' };
    }
    const roomId = scope.kind === 'room' ? scope.roomId : undefined;
    const versions = await this.getVersions(options);
    if (versions.unstable_features?.[FEATURE_ACCOUNT_DATA_DELETE] === true) {
      try {
        await this.request('DELETE', msc3391DeletePath(this.userId, type, roomId), {
          signal: options.signal,
        });
        return { method: 'DELETE' };
      } catch (error) {
        if (!isEndpointMissing(error)) throw error;
      }
    }
    const path =
      roomId === undefined
        ? globalAccountDataPath(this.userId, type)
        : roomAccountDataPath(this.userId, roomId, type);
    await this.request('PUT', path, { body: {}, signal: options.signal });
    return { method: 'PUT_EMPTY' };
  }

  /** `GET /v3/devices`. */
  async getDevices(options: CallOptions = {}): Promise<Device[]> {
    const res = await this.request('GET', DEVICES_PATH, options);
    if (!isRecord(res) || !Array.isArray(res.devices)) return [];
    return res.devices.filter((d): d is Device => isRecord(d) && typeof d.device_id === 'string');
  }

  /** `GET /v3/joined_rooms` (joined only, no names; PROTOCOL §4.4). */
  async getJoinedRooms(options: CallOptions = {}): Promise<string[]> {
    const res = await this.request('GET', JOINED_ROOMS_PATH, options);
    if (!isRecord(res) || !Array.isArray(res.joined_rooms)) return [];
    return res.joined_rooms.filter((r): r is string => typeof r === 'string');
  }

  /** `GET /v3/user/{u}/rooms/{r}/tags` → the `tags` map (PROTOCOL §2). */
  async getRoomTags(roomId: string, options: CallOptions = {}): Promise<Record<string, RoomTag>> {
    const res = await this.request('GET', roomTagsPath(this.userId, roomId), options);
    return isRecord(res) && isRecord(res.tags) ? (res.tags as Record<string, RoomTag>) : {};
  }

  /** `PUT /v3/user/{u}/rooms/{r}/tags/{tag}` with e.g. `{"order":0.5}` (requires membership). */
  async setRoomTag(
    roomId: string,
    tag: string,
    info: RoomTag = {},
    options: CallOptions = {},
  ): Promise<void> {
    await this.request('PUT', roomTagsPath(this.userId, roomId, tag), { body: info, signal: options.signal });
  }

  /** `DELETE /v3/user/{u}/rooms/{r}/tags/{tag}`. */
  async deleteRoomTag(roomId: string, tag: string, options: CallOptions = {}): Promise<void> {
    await this.request('DELETE', roomTagsPath(this.userId, roomId, tag), { signal: options.signal });
  }

  /** Current key backup (PROTOCOL §6), or null when there is none (`404 M_NOT_FOUND`). */
  async getKeyBackupVersion(options: CallOptions = {}): Promise<KeyBackupVersion | null> {
    try {
      const res = await this.request('GET', KEY_BACKUP_VERSION_PATH, options);
      if (!isRecord(res) || typeof res.version !== 'string') {
        throw new MatrixResponseError({
          method: 'GET',
          path: KEY_BACKUP_VERSION_PATH,
          status: 200,
          detail: 'not a key-backup version',
        });
      }
      return res as KeyBackupVersion;
    } catch (error) {
      if (isMatrixApiError(error, 404, 'M_NOT_FOUND')) return null;
      throw error;
    }
  }

  /** Whether the server stores per-device account data (MSC4331); probes once, then cached. */
  async supportsDeviceAccountData(options: CallOptions = {}): Promise<boolean> {
    const result = await this.getDeviceAccountData(this.deviceId, 'm.inspector.probe', options);
    return result.status !== 'unsupported';
  }

  /** Logs out (deletes this device, PROTOCOL §1.4) and marks the client unusable. */
  async logout(options: CallOptions = {}): Promise<void> {
    await authorityFor(this.current).logout(this.current, {
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.expired = true;
  }

  private async getOrNotFound(path: EncodedPath, options: CallOptions): Promise<unknown> {
    try {
      return await this.request('GET', path, options);
    } catch (error) {
      if (isMatrixApiError(error, 404, 'M_NOT_FOUND')) return undefined;
      throw error;
    }
  }

  /** MSC4331: stable path, then unstable; `404 M_UNRECOGNIZED` on both → unsupported (PROTOCOL §5). */
  private async getDeviceAccountData(
    deviceId: string,
    type: string,
    options: CallOptions,
  ): Promise<AccountDataResult> {
    if (this.devicePath === 'unsupported') return unsupportedDevice();
    const kinds: DevicePathKind[] = this.devicePath ? [this.devicePath] : ['stable', 'unstable'];
    for (const kind of kinds) {
      try {
        const body = await this.getOrNotFound(this.devicePathFor(kind, deviceId, type), options);
        this.devicePath = kind;
        return toResult(body);
      } catch (error) {
        if (!isEndpointMissing(error)) throw error;
      }
    }
    this.devicePath = 'unsupported';
    return unsupportedDevice();
  }

  private async putDevice(
    deviceId: string,
    type: string,
    content: JsonObject,
    options: CallOptions,
  ): Promise<DevicePathKind> {
    if (this.devicePath === 'unsupported') throw new UnsupportedFeatureError(MSC4331, MSC4331_UNSUPPORTED);
    const kinds: DevicePathKind[] = this.devicePath ? [this.devicePath] : ['stable', 'unstable'];
    let last: unknown;
    for (const kind of kinds) {
      try {
        await this.request('PUT', this.devicePathFor(kind, deviceId, type), {
          body: content,
          signal: options.signal,
        });
        this.devicePath = kind;
        return kind;
      } catch (error) {
        if (!isEndpointMissing(error)) throw error;
        last = error;
      }
    }
    this.devicePath = 'unsupported';
    throw new UnsupportedFeatureError(MSC4331, MSC4331_UNSUPPORTED, { cause: last });
  }

  private devicePathFor(kind: DevicePathKind, deviceId: string, type: string): EncodedPath {
    return kind === 'stable'
      ? deviceAccountDataPath(this.userId, deviceId, type)
      : deviceAccountDataUnstablePath(this.userId, deviceId, type);
  }

  /** Diffs the wanted tags against the server's and applies PUT/DELETE per tag (PROTOCOL §2). */
  private async writeTags(
    roomId: string,
    wanted: Record<string, RoomTag>,
    options: CallOptions,
  ): Promise<{ via: 'tags'; put: string[]; deleted: string[] }> {
    const current = await this.getRoomTags(roomId, options);
    const put = Object.keys(wanted).filter(
      (tag) => !Object.hasOwn(current, tag) || !jsonEqual(current[tag], wanted[tag]),
    );
    const deleted = Object.keys(current).filter((tag) => !Object.hasOwn(wanted, tag));
    for (const tag of put) await this.setRoomTag(roomId, tag, wanted[tag], options);
    for (const tag of deleted) await this.deleteRoomTag(roomId, tag, options);
    return { via: 'tags', put, deleted };
  }
}

function unsupportedDevice(): AccountDataResult {
  return { status: 'unsupported', feature: MSC4331, reason: MSC4331_UNSUPPORTED };
}

function toResult(body: unknown): AccountDataResult {
  if (body === undefined || !isRecord(body) || isEmptyContent(body as JsonObject))
    return { status: 'absent' };
  return { status: 'content', content: body as JsonObject };
}

/** Checks the type and scope IDs before any request. */
function validateTarget(scope: AccountDataScope, type: string): void {
  if (type.length === 0) {
    // Synapse would store an empty type as "" (PROTOCOL §0).
    throw new ClientRefusedError('empty-type', 'The account-data type must not be empty.');
  }
  if (scope.kind === 'room' && scope.roomId.length === 0) {
    throw new ClientRefusedError('invalid-scope', 'The room ID must not be empty.');
  }
  if (scope.kind === 'device' && scope.deviceId.length === 0) {
    throw new ClientRefusedError('invalid-scope', 'The device ID must not be empty.');
  }
}

/** Validates room `m.tag` content: `{}` or `{"tags":{name:{order?:number}}}` and nothing else. */
function parseTagsContent(content: JsonObject): Record<string, RoomTag> {
  const extra = Object.keys(content).filter((k) => k !== 'tags');
  if (extra.length > 0) {
    throw new ClientRefusedError(
      'invalid-tags',
      `m.tag is stored through the tags API, which keeps only "tags"; remove ${extra.map((k) => `"${k}"`).join(', ')}.`,
    );
  }
  const tags = content.tags ?? {};
  if (!isRecord(tags)) throw new ClientRefusedError('invalid-tags', 'm.tag "tags" must be an object.');
  for (const [name, info] of Object.entries(tags)) {
    if (name.length === 0) throw new ClientRefusedError('invalid-tags', 'A tag name must not be empty.');
    if (!isRecord(info)) throw new ClientRefusedError('invalid-tags', `Tag "${name}" must be an object.`);
    if (info.order !== undefined && typeof info.order !== 'number') {
      throw new ClientRefusedError('invalid-tags', `Tag "${name}": "order" must be a number.`);
    }
  }
  return tags as Record<string, RoomTag>;
}
