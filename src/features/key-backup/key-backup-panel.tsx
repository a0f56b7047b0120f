/**
 * The key-backup preference panel (MSC4287, issue #9): what `m.key_backup` says, what the old
 * unstable key says (reversed), what the server's backup really is, the mismatches users trip over,
 * and what a new sign-in will do — plus the switch that sets the preference. The rules live in
 * `src/matrix/key-backup-preference.ts`; this panel only shows them.
 *
 * The account data arrives as props (the app reads the sync-filled cache and passes the three
 * contents): this feature does not know how the account-data feature stores its entries. The backup
 * version is read here (`queries.ts`) and read again when either preference key changes.
 */
import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MatrixClient } from '../../matrix/client.ts';
import type { JsonObject } from '../../matrix/types.ts';
import {
  BACKUP_DISABLED_TYPE,
  KEY_BACKUP_TYPE,
  keyBackupPreference,
  MEGOLM_BACKUP_SECRET_TYPE,
  preferenceLabel,
  type KeyBackupPreferenceReport,
  type ServerBackup,
} from '../../matrix/key-backup-preference.ts';
import { Banner } from '../../components/banner.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { keyBackupQueries } from './queries.ts';
import { PreferenceSwitch } from './preference-switch.tsx';

type Content = JsonObject | null | undefined;

export type KeyBackupPanelProps = {
  client: MatrixClient;
  /** The global contents (null: absent or deleted); undefined while the first sync is on its way. */
  keyBackup: Content;
  backupDisabled: Content;
  megolmBackupSecret: Content;
  /** False until the first sync has filled the global account data. */
  isLoaded: boolean;
};

/** Reads the backup version, and reads it again whenever either preference key changes. */
function useServerBackup(client: MatrixClient, keyBackup: Content, backupDisabled: Content) {
  const queryClient = useQueryClient();
  const options = keyBackupQueries.version(client);
  const query = useQuery(options);
  const seen = useRef({ keyBackup, backupDisabled });
  useEffect(() => {
    // Sync shares unchanged contents structurally, so a new object means a real change.
    if (seen.current.keyBackup === keyBackup && seen.current.backupDisabled === backupDisabled) return;
    seen.current = { keyBackup, backupDisabled };
    void queryClient.invalidateQueries({ queryKey: options.queryKey });
  }, [keyBackup, backupDisabled, queryClient, options.queryKey]);
  return query;
}

const rawOf = (content: Content) => (content ? JSON.stringify(content) : 'absent');

export function KeyBackupPanel(props: KeyBackupPanelProps) {
  const backupQuery = useServerBackup(props.client, props.keyBackup, props.backupDisabled);
  const backup: ServerBackup = backupQuery.data ?? { state: 'unknown' };
  const report = keyBackupPreference({
    keyBackup: props.keyBackup,
    backupDisabled: props.backupDisabled,
    megolmBackupSecret: props.isLoaded ? (props.megolmBackupSecret ?? null) : undefined,
    backup,
  });
  return (
    <section className="detail key-backup" aria-label="Key backup preference">
      <h2>Key backup preference</h2>
      {!props.isLoaded ? (
        <p className="hint">
          <Spinner size="sm" /> Waiting for the first sync…
        </p>
      ) : (
        <>
          <PreferenceFacts
            report={report}
            keyBackup={props.keyBackup}
            backupDisabled={props.backupDisabled}
          />
          <BackupFacts
            report={report}
            isReading={backupQuery.isFetching}
            readAt={backupQuery.dataUpdatedAt}
            error={backupQuery.error}
          />
          {report.warnings.map((w) => (
            <Banner key={w.kind} tone="warning" title={warningTitle(w.kind)}>
              {w.message}
            </Banner>
          ))}
          <h3>What a new sign-in will do</h3>
          <p className="key-backup__new-sign-in">{report.newSignIn}</p>
          <PreferenceSwitch client={props.client} preference={report.preference} />
        </>
      )}
    </section>
  );
}

function warningTitle(kind: KeyBackupPreferenceReport['warnings'][number]['kind']): string {
  switch (kind) {
    case 'disagreement':
      return 'Clients disagree';
    case 'off-but-backup-exists':
      return 'Off, but a backup exists';
    case 'on-but-no-backup':
      return 'On, but there is no backup';
    case 'key-not-in-secret-storage':
      return 'Backup key not in secret storage';
  }
}

function PreferenceFacts(props: {
  report: KeyBackupPreferenceReport;
  keyBackup: Content;
  backupDisabled: Content;
}) {
  const { report } = props;
  const isStableUsable = report.preference === 'on' || report.preference === 'off';
  return (
    <dl className="facts">
      <dt>Preference</dt>
      <dd>
        <strong className="key-backup__word">{preferenceLabel(report.preference)}</strong>{' '}
        <span className="hint">
          (<code>{KEY_BACKUP_TYPE}</code> {rawOf(props.keyBackup)})
        </span>
        {report.preference === 'invalid' ? (
          <span> — enabled is missing or not a boolean, so clients must ignore it.</span>
        ) : null}
      </dd>
      {isStableUsable ? null : (
        <>
          <dt>Element</dt>
          <dd>
            Element also reads the old key:{' '}
            {report.elementWeb === 'not-set'
              ? 'it is not set either, so Element decides for itself.'
              : `it says ${preferenceLabel(report.elementWeb)}, so Element Web turns backup ${report.elementWeb}.`}
          </dd>
        </>
      )}
      <dt>Old key</dt>
      <dd>
        <code>{BACKUP_DISABLED_TYPE}</code> {rawOf(props.backupDisabled)}
        {' — '}
        {report.unstable === 'not-set'
          ? 'not set'
          : report.unstable === 'invalid'
            ? 'invalid (disabled is not a boolean)'
            : `means ${preferenceLabel(report.unstable)} (its sense is reversed: disabled ${String(report.unstable === 'off')})`}
      </dd>
    </dl>
  );
}

function BackupFacts(props: {
  report: KeyBackupPreferenceReport;
  isReading: boolean;
  readAt: number;
  error: Error | null;
}) {
  const { backup, isKeyInSecretStorage } = props.report;
  return (
    <>
      <h3>Server-side backup</h3>
      <dl className="facts">
        <dt>Backup</dt>
        <dd className="key-backup__backup">
          {backup.state === 'present'
            ? `Version ${backup.version} · ${backup.algorithm} · ${backup.count} keys · etag ${backup.etag}`
            : backup.state === 'none'
              ? 'No backup on the server'
              : props.error
                ? 'Could not be read'
                : 'Reading…'}
        </dd>
        <dt>Key in secret storage</dt>
        <dd>
          {isKeyInSecretStorage === undefined
            ? 'Not known yet'
            : isKeyInSecretStorage
              ? `Yes — ${MEGOLM_BACKUP_SECRET_TYPE} is stored`
              : `No — ${MEGOLM_BACKUP_SECRET_TYPE} is not stored`}
        </dd>
        <dt>Last read</dt>
        <dd>
          {props.readAt > 0 ? <RelativeTime ts={props.readAt} updateIntervalMs={10_000} /> : 'not yet'}
          {props.isReading ? ' (reading…)' : ''}
        </dd>
      </dl>
      {props.error ? (
        <Banner tone="critical" title="Could not read the server's backup">
          {props.error.message}
        </Banner>
      ) : null}
    </>
  );
}
