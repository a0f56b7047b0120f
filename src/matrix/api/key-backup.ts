/** The server-side room-key backup (docs/protocol.md §6). */
import { KEY_BACKUP_VERSION_PATH } from '../endpoints.ts';
import { isMatrixApiError, MatrixResponseError } from '../errors.ts';
import { isRecord } from '../json.ts';
import type { Transport } from '../transport.ts';
import type { CallOptions } from './call-options.ts';

/** `GET /v3/room_keys/version` (docs/protocol.md §6). `version`/`etag` are strings, `count` an integer. */
export type KeyBackupVersion = {
  algorithm: string;
  auth_data: Record<string, unknown>;
  count: number;
  etag: string;
  version: string;
  [key: string]: unknown;
};

/** The current key backup, or null when there is none (`404 M_NOT_FOUND`). */
export async function getKeyBackupVersion(
  transport: Transport,
  options: CallOptions = {},
): Promise<KeyBackupVersion | null> {
  try {
    const res = await transport.request('GET', KEY_BACKUP_VERSION_PATH, options);
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
