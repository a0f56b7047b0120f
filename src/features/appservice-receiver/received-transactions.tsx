/**
 * The "Received transactions" panel (issue #12): connects to the transaction receiver
 * (`npm run appservice-receiver`, src/receiver/) over Server-Sent Events and shows every transaction
 * the homeserver pushed to it, newest first, with its account data per user (MSC3682, either field
 * name) — or says that the server sends none, as Synapse 1.160 does.
 *
 * The receiver never streams tokens (the hs_token stays in it); this panel shows only what the
 * homeserver sent. Appservice mode (src/app/) mounts it; it needs no session of its own.
 */
import { useId, useState, type SubmitEvent } from 'react';
import { Badge } from '../../components/badge.tsx';
import { Banner } from '../../components/banner.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { StatusPill, type StatusTone } from '../../components/status-pill.tsx';
import { countLabel, type ParsedTransaction, type UserAccountData } from './transaction.ts';
import { checkReceiverUrl, useReceiver, type ReceiverConnection, type ReceiverView } from './use-receiver.ts';
import './received-transactions.css';

export const DEFAULT_RECEIVER_URL = 'http://127.0.0.1:9000';
export const NO_ACCOUNT_DATA_TEXT = 'this server sends no account data (MSC3682 not supported)';

export type ReceivedTransactionsProps = {
  /** Prefilled in the "Receiver URL" box. Default http://127.0.0.1:9000. */
  defaultUrl?: string;
};

export function ReceivedTransactions({ defaultUrl = DEFAULT_RECEIVER_URL }: ReceivedTransactionsProps) {
  const inputId = useId();
  const errorId = useId();
  const [text, setText] = useState(defaultUrl);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [connection, setConnection] = useState<ReceiverConnection | null>(null);
  const view = useReceiver(connection);

  const connect = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const check = checkReceiverUrl(text);
    if (!check.ok) {
      setUrlError(check.message);
      return;
    }
    setUrlError(null);
    // Always a new object: Connect again starts a new connection (and a fresh replay).
    setConnection({ url: check.url });
  };

  return (
    // Not a named region on purpose: the one region whose name contains "Transaction" is the
    // appservice view's transaction preview (issue #12 names it for tests); this panel is found by
    // its heading.
    <section className="receiver">
      <h2 className="receiver__title">Received transactions</h2>
      <p className="hint">
        What the homeserver pushed to your transaction receiver, as an application service receives it.
      </p>
      <form className="field" onSubmit={connect} noValidate>
        <label className="field__label" htmlFor={inputId}>
          Receiver URL
        </label>
        <div className="field-row">
          <input
            id={inputId}
            className="input mono"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setUrlError(null);
            }}
            aria-invalid={urlError !== null}
            aria-describedby={urlError === null ? undefined : errorId}
          />
          <button type="submit" className="button button--primary">
            Connect
          </button>
          {connection ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setConnection(null);
              }}
            >
              Disconnect
            </button>
          ) : null}
        </div>
        {urlError === null ? null : (
          <p id={errorId} className="field__error" role="alert">
            {urlError}
          </p>
        )}
      </form>
      <ConnectionStatus view={view} />
      {view.invalidMessages > 0 ? (
        <p className="hint">
          Ignored {countLabel(view.invalidMessages, 'message')} from the receiver that{' '}
          {view.invalidMessages === 1 ? 'was' : 'were'} not a transaction record.
        </p>
      ) : null}
      {view.transactions.length === 0 ? (
        <NoTransactions />
      ) : (
        <ol className="receiver__list" aria-label="Transactions, newest first">
          {view.transactions.map((txn) => (
            <li key={txn.txnId}>
              <TransactionItem txn={txn} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function statusOf(view: ReceiverView): { tone: StatusTone; text: string; pending: boolean } {
  const at = view.url ?? '';
  switch (view.state) {
    case 'idle':
      return { tone: 'neutral', text: 'Not connected.', pending: false };
    case 'connecting':
      return { tone: 'info', text: `Connecting to ${at}…`, pending: true };
    case 'connected':
      return { tone: 'success', text: `Connected to ${at}.`, pending: false };
    case 'lost':
      return view.hasConnected
        ? { tone: 'warning', text: `Connection to ${at} lost, retrying…`, pending: true }
        : {
            tone: 'warning',
            text: `Cannot reach a receiver at ${at}; retrying… Is it running?`,
            pending: true,
          };
    case 'failed':
      return {
        tone: 'critical',
        text: `${at} did not answer with an event stream (is it a transaction receiver?). Check the URL and connect again.`,
        pending: false,
      };
  }
}

function ConnectionStatus({ view }: { view: ReceiverView }) {
  const { tone, text, pending } = statusOf(view);
  return (
    <p className="receiver__status">
      <StatusPill tone={tone} isLive isPending={pending} label="Receiver connection">
        {text}
      </StatusPill>
    </p>
  );
}

function NoTransactions() {
  return (
    <EmptyState title="No transactions yet" headingLevel={3}>
      <p>
        Start the receiver with <code>npm run appservice-receiver -- --registration FILE</code> (make FILE
        with <code>npm run appservice-receiver -- --generate FILE</code>), list FILE in the homeserver’s{' '}
        <code>app_service_config_files</code> and restart it, then connect here. The homeserver sends a
        transaction when something happens to a user or room in the registration’s namespaces.
      </p>
    </EmptyState>
  );
}

function TransactionItem({ txn }: { txn: ParsedTransaction }) {
  const titleId = useId();
  const counts = [countLabel(txn.eventCount, 'event')];
  if (txn.ephemeralCount !== undefined) counts.push(countLabel(txn.ephemeralCount, 'ephemeral event'));
  if (txn.toDeviceCount !== undefined) counts.push(countLabel(txn.toDeviceCount, 'to-device message'));
  return (
    <article className="receiver__txn" aria-labelledby={titleId}>
      <h3 id={titleId} className="receiver__txn-title">
        Transaction <code>{txn.txnId}</code>
      </h3>
      <p className="receiver__txn-meta">
        Received <RelativeTime ts={txn.receivedAt} updateIntervalMs={15_000} /> · {counts.join(' · ')}
      </p>
      {txn.otherFields.length > 0 ? (
        <p className="hint">
          Also carries:{' '}
          {txn.otherFields.map((field, i) => (
            <span key={field}>
              {i > 0 ? ', ' : null}
              <code>{field}</code>
            </span>
          ))}
        </p>
      ) : null}
      <TransactionAccountData txn={txn} />
      {txn.notes.length > 0 ? (
        <Banner tone="warning" title="Skipped malformed parts" isAnnounced={false}>
          <ul aria-label={`Skipped parts of transaction ${txn.txnId}`}>
            {txn.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        </Banner>
      ) : null}
    </article>
  );
}

function TransactionAccountData({ txn }: { txn: ParsedTransaction }) {
  const { accountData } = txn;
  if (accountData === null) return <p className="receiver__no-account-data">{NO_ACCOUNT_DATA_TEXT}</p>;
  if (accountData.size === 0) {
    return <p className="hint">Account data field present, but no user’s account data in it.</p>;
  }
  return (
    <ul className="receiver__users" aria-label={`Account data in transaction ${txn.txnId}`}>
      {[...accountData].map(([userId, data]) => (
        <li key={userId}>
          <UserEntries userId={userId} data={data} />
        </li>
      ))}
    </ul>
  );
}

function UserEntries({ userId, data }: { userId: string; data: UserAccountData }) {
  return (
    <>
      <h4 className="receiver__user">
        <span className="mono">{userId}</span>{' '}
        <span className="receiver__field">
          {countLabel(data.events.length, 'entry', 'entries')} in <code>{data.field}</code>
        </span>
      </h4>
      <ul className="receiver__entries" aria-label={`Account data of ${userId}`}>
        {data.events.map((event, i) => (
          <li key={`${String(i)}:${event.type}`}>
            <details className="receiver__entry" open>
              <summary className="receiver__entry-type">
                <span className="mono">{event.type}</span>
                {Object.keys(event.content).length === 0 ? (
                  <Badge variant="deleted" title="Empty content: the entry was deleted" />
                ) : null}
              </summary>
              <pre className="receiver__content" tabIndex={0}>
                {JSON.stringify(event.content, null, 2)}
              </pre>
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}
