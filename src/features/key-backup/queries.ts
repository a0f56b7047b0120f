/**
 * The server-side key backup (`GET /v3/room_keys/version`, docs/protocol.md §6). Unlike account data it
 * has no sync stream, so it is read on window focus, every 30 s, and again whenever either preference
 * key changes (the panel invalidates it then).
 */
import { queryOptions } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';
import type { ServerBackup } from '../../matrix/key-backup-preference.ts';

export const keyBackupKeys = {
  version: (userId: string) => ['key-backup', userId, 'version'] as const,
};

/** How often the backup version is read again while the panel is open. */
export const BACKUP_REFRESH_MS = 30_000;

export const keyBackupQueries = {
  version: (client: MatrixClient) =>
    queryOptions<ServerBackup>({
      queryKey: keyBackupKeys.version(client.userId),
      queryFn: async ({ signal }) => {
        const backup = await client.getKeyBackupVersion({ signal });
        if (!backup) return { state: 'none' };
        return {
          state: 'present',
          version: backup.version,
          algorithm: backup.algorithm,
          count: backup.count,
          etag: backup.etag,
        };
      },
      staleTime: 0,
      refetchInterval: BACKUP_REFRESH_MS,
      refetchOnWindowFocus: true,
    }),
};
