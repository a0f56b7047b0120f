/**
 * Test fixtures for the real Synapse started by `scripts/homeserver.sh`: fresh users via the
 * shared-secret admin registration API, so every test gets its own account.
 *
 * Plain Node (no Playwright, no vitest) so integration tests, e2e tests and the demo seeder share it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type HomeserverName = 'main' | 'nodelete';

export type Homeserver = {
  name: HomeserverName;
  baseUrl: string;
  sharedSecret: string;
  serverName: string;
};

export type TestUser = {
  homeserver: Homeserver;
  userId: string;
  localpart: string;
  password: string;
  accessToken: string;
  deviceId: string;
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENV_FILE = path.join(ROOT, '.cache', 'homeserver.env');

/** Reads the URLs and secrets written by `scripts/homeserver.sh up`. */
export function homeserver(name: HomeserverName = 'main'): Homeserver {
  const upper = name.toUpperCase();
  const env: Record<string, string | undefined> = { ...readEnvFile(), ...process.env };
  const baseUrl = env[`HS_${upper}_URL`];
  const sharedSecret = env[`HS_${upper}_SECRET`];
  if (!baseUrl || !sharedSecret) {
    throw new Error(
      `Homeserver "${name}" is not configured: run \`bash scripts/homeserver.sh up\` (it writes ${ENV_FILE}).`,
    );
  }
  return { name, baseUrl, sharedSecret, serverName: env[`HS_${upper}_SERVER_NAME`] ?? 'localhost' };
}

function readEnvFile(): Record<string, string> {
  if (!existsSync(ENV_FILE)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(ENV_FILE, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Registers a fresh user through `/_synapse/admin/v1/register` (shared-secret HMAC). */
export async function createUser(
  hs: Homeserver = homeserver(),
  opts: {
    prefix?: string;
    localpart?: string;
    password?: string;
    admin?: boolean;
    displayName?: string;
  } = {},
): Promise<TestUser> {
  const localpart =
    opts.localpart ?? `${opts.prefix ?? 'user'}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const password = opts.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const url = `${hs.baseUrl}/_synapse/admin/v1/register`;
  const { nonce } = await json<{ nonce: string }>(await fetch(url), 'GET register nonce');
  const admin = opts.admin ?? false;
  const mac = createHmac('sha1', hs.sharedSecret)
    .update(`${nonce}\0${localpart}\0${password}\0${admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
  const res = await json<{ user_id: string; access_token: string; device_id: string }>(
    await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        nonce,
        username: localpart,
        password,
        admin,
        mac,
        displayname: opts.displayName ?? localpart,
      }),
    }),
    'shared-secret registration',
  );
  return {
    homeserver: hs,
    userId: res.user_id,
    localpart,
    password,
    accessToken: res.access_token,
    deviceId: res.device_id,
  };
}

/** A minimal authenticated client-API call for fixtures (seeding data as "another client"). */
export async function api<T = unknown>(
  user: Pick<TestUser, 'homeserver' | 'accessToken'>,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${user.homeserver.baseUrl}/_matrix/client${pathAndQuery}`, {
    method,
    headers: {
      Authorization: `Bearer ${user.accessToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return json<T>(res, `${method} ${pathAndQuery.split('?')[0] ?? ''}`);
}

const enc = encodeURIComponent;

/** PUT global (or room) account data as another client would. */
export async function putAccountData(
  user: TestUser,
  type: string,
  content: object,
  roomId?: string,
): Promise<void> {
  const p = roomId
    ? `/v3/user/${enc(user.userId)}/rooms/${enc(roomId)}/account_data/${enc(type)}`
    : `/v3/user/${enc(user.userId)}/account_data/${enc(type)}`;
  await api(user, 'PUT', p, content);
}

/** Creates a room and returns its ID. */
export async function createRoom(
  user: TestUser,
  opts: { name?: string; isDirect?: boolean } = {},
): Promise<string> {
  const body: Record<string, unknown> = { preset: 'private_chat' };
  if (opts.name !== undefined) body.name = opts.name;
  if (opts.isDirect) body.is_direct = true;
  const { room_id } = await api<{ room_id: string }>(user, 'POST', '/v3/createRoom', body);
  return room_id;
}

/** Sets a room tag through the tags API (Synapse synthesizes `m.tag` from it; docs/protocol.md §2). */
export async function setTag(user: TestUser, roomId: string, tag: string, order?: number): Promise<void> {
  await api(
    user,
    'PUT',
    `/v3/user/${enc(user.userId)}/rooms/${enc(roomId)}/tags/${enc(tag)}`,
    order === undefined ? {} : { order },
  );
}

/**
 * Logs in with a password as a separate device (a "second client"); `deviceId` picks the device ID
 * (Synapse reuses that device when it exists).
 */
export async function loginAsNewDevice(
  user: TestUser,
  deviceDisplayName = 'Second client',
  deviceId?: string,
): Promise<TestUser> {
  const res = await fetch(`${user.homeserver.baseUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: user.localpart },
      password: user.password,
      initial_device_display_name: deviceDisplayName,
      ...(deviceId === undefined ? {} : { device_id: deviceId }),
    }),
  });
  const body = await json<{ access_token: string; device_id: string }>(res, 'login');
  return { ...user, accessToken: body.access_token, deviceId: body.device_id };
}

/** Signs this device out (`POST /v3/logout` with its own token): Synapse deletes the device. */
export async function logoutDevice(user: Pick<TestUser, 'homeserver' | 'accessToken'>): Promise<void> {
  await api(user, 'POST', '/v3/logout', {});
}

/** The user's device IDs as `GET /v3/devices` lists them. */
export async function listDeviceIds(user: Pick<TestUser, 'homeserver' | 'accessToken'>): Promise<string[]> {
  const { devices } = await api<{ devices: { device_id: string }[] }>(user, 'GET', '/v3/devices');
  return devices.map((d) => d.device_id);
}

/** Client information as Element writes it (docs/protocol.md §5): no `url` on desktop. */
export type ClientInformation = { name: string; version: string; url?: string };

/** PUTs Element's `io.element.matrix_client_information.<deviceId>` global entry. */
export async function putClientInformation(
  user: TestUser,
  deviceId: string,
  info: ClientInformation,
): Promise<void> {
  await putAccountData(user, `io.element.matrix_client_information.${deviceId}`, info);
}

/** PUTs MSC3890's `org.matrix.msc3890.local_notification_settings.<deviceId>` global entry. */
export async function putLocalNotificationSettings(
  user: TestUser,
  deviceId: string,
  isSilenced: boolean,
): Promise<void> {
  await putAccountData(user, `org.matrix.msc3890.local_notification_settings.${deviceId}`, {
    is_silenced: isSilenced,
  });
}

/** GETs a global entry: its content, or null when the server answers 404 (absent or deleted). */
export async function getGlobalAccountData(
  user: Pick<TestUser, 'homeserver' | 'userId' | 'accessToken'>,
  type: string,
): Promise<unknown> {
  const res = await fetch(
    `${user.homeserver.baseUrl}/_matrix/client/v3/user/${enc(user.userId)}/account_data/${enc(type)}`,
    { headers: { Authorization: `Bearer ${user.accessToken}` } },
  );
  if (res.status === 404) return null;
  return json<unknown>(res, `GET account_data/${type}`);
}
