/** The user's devices (`GET /v3/devices`, docs/protocol.md §5). */
import { DEVICES_PATH } from '../endpoints.ts';
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
