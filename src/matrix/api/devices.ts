/** The user's devices (`GET /v3/devices`) and signing one out (`DELETE /v3/devices/{id}`), docs/protocol.md §5. */
import { DEVICES_PATH, devicePath } from '../endpoints.ts';
import { MatrixApiError } from '../errors.ts';
import { isRecord } from '../json.ts';
import type { Transport } from '../transport.ts';
import type { CallOptions } from './call-options.ts';

/** `GET /v3/devices` entry (docs/protocol.md §5). */
export type Device = {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
  user_id?: string;
  [key: string]: unknown;
};

/** Lists the identity's devices; malformed entries are left out. */
export async function getDevices(transport: Transport, options: CallOptions = {}): Promise<Device[]> {
  const res = await transport.request('GET', DEVICES_PATH, options);
  if (!isRecord(res) || !Array.isArray(res.devices)) return [];
  return res.devices.filter((d): d is Device => isRecord(d) && typeof d.device_id === 'string');
}

/** Why signing a device out did not happen, in words a user can act on. */
export class DeviceSignOutError extends Error {
  override readonly name = 'DeviceSignOutError';
  /** `wrong-password`: try again; `unsupported-auth`: the server wants a stage we cannot do here. */
  readonly reason: 'wrong-password' | 'unsupported-auth' | 'managed-elsewhere';

  constructor(reason: DeviceSignOutError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The user-interactive-auth challenge of a `401` (docs/protocol.md §5 "Devices API"). */
type UiaChallenge = { session?: string; stages: string[][] };

function challengeOf(error: unknown): UiaChallenge | null {
  if (!(error instanceof MatrixApiError) || error.status !== 401 || !isRecord(error.body)) return null;
  const flows = Array.isArray(error.body.flows) ? (error.body.flows as unknown[]) : [];
  const stages = flows
    .filter(isRecord)
    .map((f) => (Array.isArray(f.stages) ? f.stages.filter((s): s is string => typeof s === 'string') : []));
  if (stages.length === 0) return null;
  return {
    stages,
    ...(typeof error.body.session === 'string' ? { session: error.body.session } : {}),
  };
}

/**
 * Signs one of the user's devices out (`DELETE /v3/devices/{id}`), answering Synapse's
 * user-interactive auth with the account password (docs/protocol.md §5). Deleting a device also
 * deletes its per-device data on the server (MSC3890 settings; MSC4331 device data).
 *
 * Throws {@link DeviceSignOutError} for a wrong password, a server that asks for another stage
 * (SSO-only accounts), or a server whose devices are managed by its OAuth provider (`404`, MAS).
 */
export async function deleteDevice(
  transport: Transport,
  deviceId: string,
  auth: { userId: string; password: string },
  options: CallOptions = {},
): Promise<void> {
  const path = devicePath(deviceId);
  let challenge: UiaChallenge | null;
  try {
    await transport.request('DELETE', path, { ...options, body: {} });
    return;
  } catch (error) {
    if (error instanceof MatrixApiError && error.status === 404) {
      throw new DeviceSignOutError(
        'managed-elsewhere',
        'This server does not let clients delete devices (its sign-in is delegated to an OAuth provider); sign the device out in your account management page.',
      );
    }
    challenge = challengeOf(error);
    if (!challenge) throw error;
  }
  if (!challenge.stages.some((flow) => flow.length === 1 && flow[0] === 'm.login.password')) {
    const offered = [...new Set(challenge.stages.flat())].join(', ') || 'none';
    throw new DeviceSignOutError(
      'unsupported-auth',
      `The server asks for ${offered} to sign a device out, which this app cannot do; use a Matrix client that supports it.`,
    );
  }
  try {
    await transport.request('DELETE', path, {
      ...options,
      body: {
        auth: {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: auth.userId },
          password: auth.password,
          ...(challenge.session === undefined ? {} : { session: challenge.session }),
        },
      },
    });
  } catch (error) {
    if (error instanceof MatrixApiError && (error.status === 401 || error.is(403, 'M_FORBIDDEN'))) {
      throw new DeviceSignOutError(
        'wrong-password',
        'The password was not accepted. Nothing was signed out.',
      );
    }
    throw error;
  }
}
