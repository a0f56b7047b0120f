/**
 * "Transaction preview (MSC3682)": the selected users' global account data as an application service
 * would receive it in its transactions if the homeserver implemented MSC3682 (docs/protocol.md §7;
 * Synapse 1.160 does not): the latest transactions, newest first, as read-only JSON.
 */
import { useId } from 'react';
import { useStore } from 'zustand';
import type { TransactionPreviewStore } from './transaction-preview-store.ts';
import './appservice.css';

/** How many transactions are shown (more are counted). */
const SHOWN = 10;

export function TransactionPreviewPanel({ store }: { store: TransactionPreviewStore }) {
  const users = useStore(store, (s) => s.users);
  const excluded = useStore(store, (s) => s.excluded);
  const { transactions, count } = useStore(store, (s) => s.preview);
  const { included } = useStore(store, (s) => s.actions);
  const titleId = useId();
  return (
    <section className="appservice-preview" aria-labelledby={titleId}>
      <h2 id={titleId} className="appservice-preview__title">
        Transaction preview (MSC3682)
      </h2>
      <p className="hint">
        What this application service would receive in PUT /_matrix/app/v1/transactions/&#123;txnId&#125; if
        the homeserver implemented MSC3682 (Synapse 1.160 does not), under both the unstable
        org.matrix.msc3682.account_data and the stable account_data field. Global account data only, as in the
        MSC: the first transaction carries everything known, each later one what changed since (a deleted type
        with content &#123;&#125;).
      </p>
      <fieldset className="appservice-preview__users">
        <legend>Users in the preview</legend>
        {users.map((userId) => (
          <label key={userId} className="checkbox">
            <input
              type="checkbox"
              checked={!excluded.includes(userId)}
              onChange={(e) => {
                included(userId, e.target.checked);
              }}
            />{' '}
            {userId}
          </label>
        ))}
      </fieldset>
      <p className="appservice-preview__count" role="status">
        {count === 1 ? '1 transaction' : `${count} transactions`}
        {count > SHOWN ? ` (latest ${SHOWN} shown)` : ''}
      </p>
      <ol className="appservice-preview__list" reversed>
        {transactions.slice(0, SHOWN).map((txn) => (
          <li key={txn.txnId}>
            <article aria-label={`Transaction ${txn.txnId}`} className="appservice-preview__txn">
              <h3 className="appservice-preview__txn-title">
                Transaction {txn.txnId}{' '}
                <time dateTime={new Date(txn.at).toISOString()}>{new Date(txn.at).toLocaleTimeString()}</time>
              </h3>
              <pre className="appservice-preview__json" tabIndex={0}>
                {JSON.stringify(txn.body, null, 2)}
              </pre>
            </article>
          </li>
        ))}
      </ol>
    </section>
  );
}
