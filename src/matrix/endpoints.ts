/**
 * Endpoint paths of the client-server API used by this app, as named builders. Every dynamic
 * segment is `encodeURIComponent`-ed by {@link matrixPath} (docs/protocol.md §0).
 */
import { CLIENT_UNSTABLE, CLIENT_V3, matrixPath, type EncodedPath } from './http.ts';

/** Unstable prefix segment of MSC3391 account-data DELETE (docs/protocol.md §3). */
export const MSC3391_UNSTABLE = 'org.matrix.msc3391';
/** Unstable path segment of MSC4331 per-device account data (stays under `/v3/`, docs/protocol.md §5). */
export const MSC4331_UNSTABLE_SEGMENT = 'net.zemos.account_data';
/** Unstable prefix segment of simplified sliding sync (docs/protocol.md §4.1). */
export const SIMPLIFIED_MSC3575 = 'org.matrix.simplified_msc3575';

/** `GET/PUT /v3/user/{userId}/account_data/{type}` (docs/protocol.md §2). */
export function globalAccountDataPath(userId: string, type: string): EncodedPath {
  return matrixPath(CLIENT_V3, 'user', userId, 'account_data', type);
}

/** `GET/PUT /v3/user/{userId}/rooms/{roomId}/account_data/{type}` (docs/protocol.md §2). */
export function roomAccountDataPath(userId: string, roomId: string, type: string): EncodedPath {
  return matrixPath(CLIENT_V3, 'user', userId, 'rooms', roomId, 'account_data', type);
}

/** MSC3391 unstable `DELETE …/org.matrix.msc3391/user/{u}[/rooms/{r}]/account_data/{t}` (docs/protocol.md §3). */
export function msc3391DeletePath(userId: string, type: string, roomId?: string): EncodedPath {
  return roomId === undefined
    ? matrixPath(CLIENT_UNSTABLE, MSC3391_UNSTABLE, 'user', userId, 'account_data', type)
    : matrixPath(CLIENT_UNSTABLE, MSC3391_UNSTABLE, 'user', userId, 'rooms', roomId, 'account_data', type);
}

/** MSC4331 stable `…/v3/user/{u}/devices/{d}/account_data/{t}` (docs/protocol.md §5). */
export function deviceAccountDataPath(userId: string, deviceId: string, type: string): EncodedPath {
  return matrixPath(CLIENT_V3, 'user', userId, 'devices', deviceId, 'account_data', type);
}

/** MSC4331 unstable `…/v3/user/{u}/devices/{d}/net.zemos.account_data/{t}` (docs/protocol.md §5). */
export function deviceAccountDataUnstablePath(userId: string, deviceId: string, type: string): EncodedPath {
  return matrixPath(CLIENT_V3, 'user', userId, 'devices', deviceId, MSC4331_UNSTABLE_SEGMENT, type);
}

/** `GET /v3/user/{u}/rooms/{r}/tags`, or with `tag`: `PUT/DELETE …/tags/{tag}` (docs/protocol.md §2). */
export function roomTagsPath(userId: string, roomId: string, tag?: string): EncodedPath {
  return tag === undefined
    ? matrixPath(CLIENT_V3, 'user', userId, 'rooms', roomId, 'tags')
    : matrixPath(CLIENT_V3, 'user', userId, 'rooms', roomId, 'tags', tag);
}

/** `GET /v3/account/whoami`. */
export const WHOAMI_PATH = matrixPath(CLIENT_V3, 'account', 'whoami');
/** `GET /v3/devices` (docs/protocol.md §5). */
export const DEVICES_PATH = matrixPath(CLIENT_V3, 'devices');
/** `GET/PUT/DELETE /v3/devices/{deviceId}` (docs/protocol.md §5). */
export function devicePath(deviceId: string): EncodedPath {
  return matrixPath(CLIENT_V3, 'devices', deviceId);
}
/** `GET /v3/joined_rooms` (docs/protocol.md §4.4). */
export const JOINED_ROOMS_PATH = matrixPath(CLIENT_V3, 'joined_rooms');
/** `GET /v3/room_keys/version` (docs/protocol.md §6). */
export const KEY_BACKUP_VERSION_PATH = matrixPath(CLIENT_V3, 'room_keys', 'version');
/** `GET /v3/sync` (docs/protocol.md §4.6). */
export const V3_SYNC_PATH = matrixPath(CLIENT_V3, 'sync');
/** `POST /unstable/org.matrix.simplified_msc3575/sync` (docs/protocol.md §4.1). */
export const SLIDING_SYNC_PATH = matrixPath(CLIENT_UNSTABLE, SIMPLIFIED_MSC3575, 'sync');

/** Synapse's admin API prefix (docs/protocol.md §2 "Listing everything"). */
export const SYNAPSE_ADMIN_V1 = '/_synapse/admin/v1';
/** `GET /_synapse/admin/v1/users/{userId}/admin` → `{"admin": bool}` (docs/protocol.md §2). */
export function adminUserIsAdminPath(userId: string): EncodedPath {
  return matrixPath(SYNAPSE_ADMIN_V1, 'users', userId, 'admin');
}
/** `GET /_synapse/admin/v1/users/{userId}/accountdata` (docs/protocol.md §2 "Listing everything"). */
export function adminAccountDataPath(userId: string): EncodedPath {
  return matrixPath(SYNAPSE_ADMIN_V1, 'users', userId, 'accountdata');
}
