/**
 * Account data of one identity, in every scope (docs/protocol.md §2, §3, §5), encoding the
 * protocol's quirks:
 *
 * - `{}` content and `404 M_NOT_FOUND` both mean "absent" (docs/protocol.md §3);
 * - server-managed types are refused before any request, room `m.tag` goes to the tags API (§2);
 * - delete uses MSC3391's unstable `DELETE` when advertised, else `PUT {}` (§3);
 * - per-device data (MSC4331) probes the stable then the unstable path and reports "unsupported"
 *   distinctly from "absent" (§5).
 */
import {
  deviceAccountDataPath,
  deviceAccountDataUnstablePath,
  globalAccountDataPath,
  msc3391DeletePath,
  roomAccountDataPath,
  roomTagsPath,
} from '../endpoints.ts';
import {
  ClientRefusedError,
  type ClientRefusalCode,
  UnsupportedFeatureError,
  isEndpointMissing,
  isMatrixApiError,
} from '../errors.ts';
import type { EncodedPath } from '../http.ts';
import { isEmptyContent, isJsonObject, isRecord, jsonEqual } from '../json.ts';
import { writeRoute } from '../known-types.ts';
import { typeNameProblem } from '../type-names.ts';
import type { Transport } from '../transport.ts';
import type { AccountDataScope, JsonObject, JsonValue } from '../types.ts';
import type { CallOptions } from './call-options.ts';
import type { CapabilitiesApi } from './capabilities.ts';

/** Why a write was refused before any request. */
const refusalCode = (scope: AccountDataScope): ClientRefusalCode =>
  scope.kind === 'device' ? 'other-device' : 'server-managed';

/** What a read found. `unsupported` (the server lacks the endpoint) is not "absent". */
export type AccountDataResult =
  | { status: 'content'; content: JsonObject }
  /** Never set, deleted (`404 M_NOT_FOUND`), or `{}` (docs/protocol.md §3). */
  | { status: 'absent' }
  /** The scope's API is not implemented (MSC4331 device scope on Synapse 1.160). */
  | { status: 'unsupported'; feature: string; reason: string };

/** How a write was made. */
export type SetAccountDataResult =
  | { via: 'account-data' }
  | { via: 'device'; path: 'stable' | 'unstable' }
  /** Room `m.tag`: tags written (`put`) and removed (`deleted`) through the tags API. */
  | { via: 'tags'; put: string[]; deleted: string[] };

/** How a delete was made (docs/protocol.md §3). */
export type DeleteAccountDataResult =
  | { method: 'DELETE' | 'PUT_EMPTY' }
  /** Room `m.tag`: every tag removed through the tags API. */
  | { method: 'TAGS'; deleted: string[] };

/** One tag of `GET …/tags`: `order` is a number in [0,1] when present. */
export type RoomTag = { order?: number; [key: string]: JsonValue | undefined };

type DevicePathKind = 'stable' | 'unstable';

const MSC4331 = 'MSC4331';
const MSC4331_UNSUPPORTED = 'This server does not implement per-device account data (MSC4331).';

/** Reads, writes and deletes account data as one identity (see the module comment). */
export class AccountDataApi {
  private readonly transport: Transport;
  private readonly capabilities: CapabilitiesApi;
  /** Which MSC4331 path this server answers, once known. */
  private devicePath: DevicePathKind | 'unsupported' | undefined;

  constructor(transport: Transport, capabilities: CapabilitiesApi) {
    this.transport = transport;
    this.capabilities = capabilities;
  }

  /**
   * Reads one type. Room `m.tag` is read from the tags API, because Synapse's account-data GET
   * returns 404 even when tags exist (docs/protocol.md §2).
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
        ? globalAccountDataPath(this.transport.userId, type)
        : roomAccountDataPath(this.transport.userId, scope.roomId, type);
    return toResult(await this.getOrNotFound(path, options));
  }

  /**
   * Writes one type after validating it client-side: a usable type name (not empty, not only
   * spaces, at most 255 bytes of UTF-8 — src/matrix/type-names.ts), a plain JSON object, not a
   * server-managed type (`m.push_rules` → `/pushrules`, `m.fully_read` → `/read_markers`).
   * Room `m.tag` is diffed against the current tags and written through the tags API.
   *
   * Writes are last-writer-wins (docs/protocol.md §2): re-read shared maps just before writing.
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
    const problem = typeNameProblem(type);
    // Reads and deletes still accept such a name, so an entry another client made can be removed.
    if (problem) throw new ClientRefusedError('invalid-type', problem.message);
    if (!isJsonObject(content)) {
      throw new ClientRefusedError(
        'invalid-content',
        'Account-data content must be a JSON object (not an array, null, a string or a number).',
      );
    }
    const route = writeRoute(type, scope, { ownDeviceId: this.transport.authorization.deviceId });
    if (route.kind === 'refuse') throw new ClientRefusedError(refusalCode(scope), route.reason);
    if (route.kind === 'tags' && scope.kind === 'room') {
      return this.writeTags(scope.roomId, parseTagsContent(content), options);
    }
    if (scope.kind === 'device') {
      const path = await this.putDevice(scope.deviceId, type, content, options);
      return { via: 'device', path };
    }
    const path =
      scope.kind === 'global'
        ? globalAccountDataPath(this.transport.userId, type)
        : roomAccountDataPath(this.transport.userId, scope.roomId, type);
    await this.transport.request('PUT', path, { body: content, signal: options.signal });
    return { via: 'account-data' };
  }

  /**
   * Deletes one type (docs/protocol.md §3): MSC3391's unstable `DELETE` when the authenticated `/versions`
   * advertises `org.matrix.msc3391`, otherwise `PUT {}`. If the DELETE route turns out to be
   * missing, falls back to `PUT {}`. Room `m.tag` removes every tag through the tags API.
   */
  async deleteAccountData(
    scope: AccountDataScope,
    type: string,
    options: CallOptions = {},
  ): Promise<DeleteAccountDataResult> {
    validateTarget(scope, type);
    const route = writeRoute(type, scope, { ownDeviceId: this.transport.authorization.deviceId });
    if (route.kind === 'refuse') throw new ClientRefusedError(refusalCode(scope), route.reason);
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
    if (await this.capabilities.hasAccountDataDelete(options)) {
      try {
        await this.transport.request('DELETE', msc3391DeletePath(this.transport.userId, type, roomId), {
          signal: options.signal,
        });
        return { method: 'DELETE' };
      } catch (error) {
        if (!isEndpointMissing(error)) throw error;
      }
    }
    const path =
      roomId === undefined
        ? globalAccountDataPath(this.transport.userId, type)
        : roomAccountDataPath(this.transport.userId, roomId, type);
    await this.transport.request('PUT', path, { body: {}, signal: options.signal });
    return { method: 'PUT_EMPTY' };
  }

  /** `GET /v3/user/{u}/rooms/{r}/tags` → the `tags` map (docs/protocol.md §2). */
  async getRoomTags(roomId: string, options: CallOptions = {}): Promise<Record<string, RoomTag>> {
    const res = await this.transport.request('GET', roomTagsPath(this.transport.userId, roomId), options);
    return isRecord(res) && isRecord(res.tags) ? (res.tags as Record<string, RoomTag>) : {};
  }

  /** `PUT /v3/user/{u}/rooms/{r}/tags/{tag}` with e.g. `{"order":0.5}` (requires membership). */
  async setRoomTag(
    roomId: string,
    tag: string,
    info: RoomTag = {},
    options: CallOptions = {},
  ): Promise<void> {
    await this.transport.request('PUT', roomTagsPath(this.transport.userId, roomId, tag), {
      body: info,
      signal: options.signal,
    });
  }

  /** `DELETE /v3/user/{u}/rooms/{r}/tags/{tag}`. */
  async deleteRoomTag(roomId: string, tag: string, options: CallOptions = {}): Promise<void> {
    await this.transport.request('DELETE', roomTagsPath(this.transport.userId, roomId, tag), {
      signal: options.signal,
    });
  }

  /** Whether the server stores per-device account data (MSC4331); probes once, then cached. */
  async supportsDeviceAccountData(options: CallOptions = {}): Promise<boolean> {
    const deviceId = this.transport.authorization.deviceId;
    if (deviceId === undefined) return false;
    const result = await this.getDeviceAccountData(deviceId, 'm.inspector.probe', options);
    return result.status !== 'unsupported';
  }

  private async getOrNotFound(path: EncodedPath, options: CallOptions): Promise<unknown> {
    try {
      return await this.transport.request('GET', path, options);
    } catch (error) {
      if (isMatrixApiError(error, 404, 'M_NOT_FOUND')) return undefined;
      throw error;
    }
  }

  /** MSC4331: stable path, then unstable; `404 M_UNRECOGNIZED` on both → unsupported (docs/protocol.md §5). */
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
        await this.transport.request('PUT', this.devicePathFor(kind, deviceId, type), {
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
      ? deviceAccountDataPath(this.transport.userId, deviceId, type)
      : deviceAccountDataUnstablePath(this.transport.userId, deviceId, type);
  }

  /** Diffs the wanted tags against the server's and applies PUT/DELETE per tag (docs/protocol.md §2). */
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
    // Synapse would store an empty type as "" (docs/protocol.md §0).
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
