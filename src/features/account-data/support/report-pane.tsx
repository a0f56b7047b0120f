/**
 * Diagnostic report (issue #14): a redacted summary of this account for a support ticket, built by
 * `matrix/report.ts` from the inspector's caches (account data, devices, MSC4331 support), the
 * server's capabilities, and two reads of its own when the pane opens (the server software, the
 * key backup). Shown as Markdown at once; copy it, or download it as Markdown or JSON. Never holds
 * secret contents or tokens: secret entries are named only, and the text is scrubbed of the
 * session's tokens last.
 */
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { buildReport, readServerSoftware, serverNameOf, type ReportDevice } from '../../../matrix/report.ts';
import type { JsonObject } from '../../../matrix/types.ts';
import type { DevicesData, RoomsData, ScopeData } from '../model.ts';
import { accountDataQueries } from '../queries.ts';
import type { SupportPaneProps } from './support-pane-props.ts';
import './report-pane.css';
import { downloadText } from '../../../lib/download.ts';

/** What a browser-made report says made it. */
export const REPORT_GENERATOR = 'Account Data Inspector (web)';

function contents(data: ScopeData | undefined): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  if (!data) return out;
  for (const [type, entry] of Object.entries(data)) {
    if (!entry.isDeleted && entry.content !== null) out[type] = entry.content;
  }
  return out;
}

function roomContents(rooms: RoomsData | undefined): Record<string, Record<string, JsonObject>> {
  const out: Record<string, Record<string, JsonObject>> = {};
  if (!rooms) return out;
  for (const [roomId, room] of rooms.byId) out[roomId] = contents(room.data);
  return out;
}

function deviceContents(devices: DevicesData | undefined): Record<string, Record<string, JsonObject>> {
  const out: Record<string, Record<string, JsonObject>> = {};
  if (!devices) return out;
  for (const [deviceId, data] of devices) out[deviceId] = contents(data);
  return out;
}

/** `diagnostic-report-<server>-<time>`: a file name safe on every system. */
function fileBase(userId: string, at: Date): string {
  const server = serverNameOf(userId).replace(/[^A-Za-z0-9.-]+/g, '_') || 'server';
  return `diagnostic-report-${server}-${at.toISOString().replace(/[:.]/g, '-')}`;
}

export function ReportPane(props: SupportPaneProps) {
  const { client } = props;
  const isLive = props.readOnly === undefined;
  const [openedAt] = useState(() => new Date());
  const [notice, setNotice] = useState<string | null>(null);
  // Shared and cached by the client; a read-only view reads nothing through `client` (ADR 013).
  const capabilities = useQuery({ ...accountDataQueries.capabilities(client), enabled: isLive });
  const server = useQuery({
    queryKey: ['support-report', client.userId, client.baseUrl, 'server'],
    queryFn: async ({ signal }) => {
      const [software, backup] = await Promise.all([
        readServerSoftware(client.baseUrl, { signal }),
        client
          .getKeyBackupVersion({ signal })
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      ]);
      return { software, backup };
    },
    enabled: isLive,
    staleTime: 0,
    gcTime: 0,
  });

  const isReading = isLive && (server.isPending || capabilities.isPending);
  const isLoaded = props.global !== undefined;
  const report = useMemo(() => {
    const caps = capabilities.data;
    const devices: ReportDevice[] | undefined = props.devices?.map((d) => ({
      device_id: d.device_id,
      ...(d.display_name === undefined ? {} : { display_name: d.display_name }),
      ...(d.last_seen_ts === undefined ? {} : { last_seen_ts: d.last_seen_ts }),
    }));
    const rooms = roomContents(props.rooms);
    return buildReport({
      generatedAt: openedAt,
      generator: isLive ? REPORT_GENERATOR : `${REPORT_GENERATOR}, read-only view`,
      userId: client.userId,
      deviceId: client.deviceId,
      baseUrl: client.baseUrl,
      versions: caps ? { versions: caps.versions, unstable_features: caps.unstableFeatures } : null,
      software: server.data?.software ?? null,
      transport: props.syncTransport ?? null,
      oauthIssuer: caps ? (caps.oauth?.issuer ?? null) : undefined,
      deviceSupport: props.deviceSupport,
      devices,
      global: contents(props.global),
      rooms,
      deviceData: deviceContents(props.deviceData),
      joinedRoomIds: new Set(Object.keys(rooms)),
      backup: server.data?.backup ?? new Error(isLive ? 'not read yet' : 'not read in a read-only view'),
      // The identity's tokens (a session's access and refresh tokens, an application service's
      // token); `client.session` exists for user sessions only.
      secrets: client.authorization.secrets(),
    });
  }, [
    capabilities.data,
    client,
    isLive,
    openedAt,
    props.deviceData,
    props.deviceSupport,
    props.devices,
    props.global,
    props.rooms,
    props.syncTransport,
    server.data,
  ]);

  const isReady = isLoaded && !isReading;
  const base = fileBase(client.userId, openedAt);
  return (
    <section className="support-pane report-pane" aria-label="Diagnostic report" aria-busy={!isReady}>
      <h2>Diagnostic report</h2>
      <p>
        A summary of this account to paste into a support ticket: the server, sync, devices, the largest
        entries, orphans, the key backup and schema problems. Secret entries are named, never shown, and no
        token is included.
      </p>
      <div className="report-pane__actions" role="group" aria-label="Report actions">
        <button
          type="button"
          className="button button--secondary"
          disabled={!isReady}
          onClick={() => {
            navigator.clipboard.writeText(report.markdown).then(
              () => {
                setNotice('Copied the report (Markdown) to the clipboard.');
              },
              () => {
                setNotice('The browser did not allow copying to the clipboard; download it instead.');
              },
            );
          }}
        >
          Copy Markdown
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={!isReady}
          onClick={() => {
            downloadText(report.markdown, `${base}.md`, 'text/markdown');
          }}
        >
          Download Markdown
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={!isReady}
          onClick={() => {
            downloadText(`${JSON.stringify(report.json, null, 2)}\n`, `${base}.json`, 'application/json');
          }}
        >
          Download JSON
        </button>
      </div>
      <p role="status" className="report-pane__status">
        {!isLoaded
          ? 'Waiting for the first sync…'
          : isReading
            ? 'Reading the server’s version, capabilities and key backup…'
            : (notice ?? '')}
      </p>
      <pre className="report-pane__markdown" tabIndex={0} aria-label="Report (Markdown)">
        {report.markdown}
      </pre>
    </section>
  );
}
