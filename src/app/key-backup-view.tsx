/**
 * Composes the key-backup panel (features/key-backup) with the account data the sync bridge keeps in
 * the account-data feature's cache. The app passes the three contents in as props rather than moving
 * the cache's query options somewhere shared: the panel then depends on plain JSON, not on how the
 * account-data feature stores its entries, and features stay unaware of each other.
 */
import { useQuery } from '@tanstack/react-query';
import type { MatrixClient } from '../matrix/client.ts';
import {
  BACKUP_DISABLED_TYPE,
  KEY_BACKUP_TYPE,
  MEGOLM_BACKUP_SECRET_TYPE,
} from '../matrix/key-backup-preference.ts';
import { accountDataQueries } from '../features/account-data/queries.ts';
import { KeyBackupPanel } from '../features/key-backup/key-backup-panel.tsx';

export function KeyBackupView({ client }: { client: MatrixClient }) {
  const global = useQuery(accountDataQueries.global(client.userId)).data;
  // Tombstones hold `content: null`; an absent type is null too once the first sync has landed.
  const contentOf = (type: string) => (global ? (global[type]?.content ?? null) : undefined);
  return (
    <KeyBackupPanel
      client={client}
      isLoaded={global !== undefined}
      keyBackup={contentOf(KEY_BACKUP_TYPE)}
      backupDisabled={contentOf(BACKUP_DISABLED_TYPE)}
      megolmBackupSecret={contentOf(MEGOLM_BACKUP_SECRET_TYPE)}
    />
  );
}
