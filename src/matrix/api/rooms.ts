/** Room membership reads (docs/protocol.md §4.4). */
import { JOINED_ROOMS_PATH } from '../endpoints.ts';
import { isRecord } from '../json.ts';
import type { Transport } from '../transport.ts';
import type { CallOptions } from './call-options.ts';

/** `GET /v3/joined_rooms`: joined rooms only, no names (docs/protocol.md §4.4). */
export async function getJoinedRooms(transport: Transport, options: CallOptions = {}): Promise<string[]> {
  const res = await transport.request('GET', JOINED_ROOMS_PATH, options);
  if (!isRecord(res) || !Array.isArray(res.joined_rooms)) return [];
  return res.joined_rooms.filter((r): r is string => typeof r === 'string');
}
