/**
 * Synapse's admin API, the two reads the inspector uses (docs/protocol.md §2 "Listing everything"):
 *
 * - {@link isServerAdmin}: `GET /_synapse/admin/v1/users/{userId}/admin` → `{"admin": bool}`. Only an
 *   admin may ask, so a non-admin's own probe is `403 M_FORBIDDEN`; that, a missing admin API (`404`,
 *   e.g. a proxy that does not expose `/_synapse/admin`, or another server) and a remote user
 *   (`400`) all mean "not an admin", never an error to show.
 * - {@link getAdminAccountData}: `GET /_synapse/admin/v1/users/{userId}/accountdata` → every global and
 *   room entry of a local user in one reply, including rooms the user left or never joined, but
 *   without `m.push_rules` and tags (Synapse keeps both in their own tables). `{}` rows (MSC3391
 *   deletions) are dropped here as well, so the result holds live entries only.
 */
import { adminAccountDataPath, adminUserIsAdminPath } from '../endpoints.ts';
import { isMatrixApiError } from '../errors.ts';
import { isEmptyContent, isJsonObject, isRecord } from '../json.ts';
import type { Transport } from '../transport.ts';
import type { JsonObject } from '../types.ts';
import type { CallOptions } from './call-options.ts';

/** One user's account data as the admin API lists it: type → content, globally and per room. */
export type AdminAccountData = {
  global: Record<string, JsonObject>;
  rooms: Record<string, Record<string, JsonObject>>;
};

/** Why an admin read did not happen, in words an admin can act on. */
export type AdminLookupFailure =
  /** Refused before any request: not of the form `@localpart:server`. */
  | 'invalid-user-id'
  /** `403`: the token's user is not (or no longer) a server admin. */
  | 'not-admin'
  /** `404 M_NOT_FOUND`: no such user on this server. */
  | 'unknown-user'
  /** `400`: the user is not local to this server (the admin API only knows its own users). */
  | 'not-local'
  /** `404` without `M_NOT_FOUND`: the server does not expose Synapse's admin API. */
  | 'no-admin-api';

export class AdminLookupError extends Error {
  override readonly name = 'AdminLookupError';
  readonly reason: AdminLookupFailure;
  readonly userId: string;

  constructor(reason: AdminLookupFailure, userId: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.userId = userId;
  }
}

/**
 * A Matrix user ID as the spec's grammar allows it: `@`, a non-empty localpart without `:`, `:`, a
 * non-empty server name; no whitespace; at most 255 bytes. Historical localparts may hold more than
 * `[a-z0-9._=/+-]`, so only the shape is checked.
 */
export function isValidUserId(userId: string): boolean {
  return /^@[^:\s]+:[^\s:][^\s]*$/.test(userId) && new TextEncoder().encode(userId).length <= 255;
}

/**
 * Whether `userId` is a server admin, asked as the transport's identity (normally about itself).
 * `403` (the asker is no admin), `404` (no admin API here) and `400` (not a local user) answer
 * false; network failures and `5xx` still throw, so a caller can tell "no" from "could not ask".
 */
export async function isServerAdmin(
  transport: Transport,
  userId: string = transport.userId,
  options: CallOptions = {},
): Promise<boolean> {
  try {
    const res = await transport.request('GET', adminUserIsAdminPath(userId), options);
    return isRecord(res) && res.admin === true;
  } catch (error) {
    if (isMatrixApiError(error, 403) || isMatrixApiError(error, 404) || isMatrixApiError(error, 400)) {
      return false;
    }
    throw error;
  }
}

/**
 * Every global and room entry of a local user, read through the admin API (see the module comment
 * for what it leaves out). Malformed rows (not a JSON object) and `{}` rows are dropped.
 *
 * @throws {@link AdminLookupError} for an invalid user ID (before any request), `403`, `404` and `400`.
 */
export async function getAdminAccountData(
  transport: Transport,
  userId: string,
  options: CallOptions = {},
): Promise<AdminAccountData> {
  if (!isValidUserId(userId)) {
    throw new AdminLookupError(
      'invalid-user-id',
      userId,
      `"${userId}" is not a Matrix user ID; it looks like @name:server.example.`,
    );
  }
  let res: unknown;
  try {
    res = await transport.request('GET', adminAccountDataPath(userId), options);
  } catch (error) {
    throw lookupError(error, userId) ?? error;
  }
  const accountData = isRecord(res) && isRecord(res.account_data) ? res.account_data : {};
  const rooms: Record<string, Record<string, JsonObject>> = {};
  if (isRecord(accountData.rooms)) {
    for (const [roomId, data] of Object.entries(accountData.rooms)) {
      const entries = liveEntries(data);
      if (Object.keys(entries).length > 0) rooms[roomId] = entries;
    }
  }
  return { global: liveEntries(accountData.global), rooms };
}

function liveEntries(data: unknown): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  if (!isRecord(data)) return out;
  for (const [type, content] of Object.entries(data)) {
    if (isJsonObject(content) && !isEmptyContent(content)) out[type] = content;
  }
  return out;
}

function lookupError(error: unknown, userId: string): AdminLookupError | undefined {
  if (!isMatrixApiError(error)) return undefined;
  if (error.status === 403) {
    return new AdminLookupError(
      'not-admin',
      userId,
      'The server refused: you are not a server admin (any more). Only Synapse admins can read another user’s account data.',
      { cause: error },
    );
  }
  if (error.is(404, 'M_NOT_FOUND')) {
    return new AdminLookupError('unknown-user', userId, `There is no user ${userId} on this server.`, {
      cause: error,
    });
  }
  if (error.status === 404) {
    return new AdminLookupError(
      'no-admin-api',
      userId,
      'This server does not expose the Synapse admin API (/_synapse/admin) to this address.',
      { cause: error },
    );
  }
  if (error.status === 400) {
    return new AdminLookupError(
      'not-local',
      userId,
      `${userId} is not a user of this server; the admin API only reads its own users.${error.serverMessage ? ` (${error.serverMessage})` : ''}`,
      { cause: error },
    );
  }
  return undefined;
}
