/**
 * The connection to a transaction receiver (issue #12, `npm run appservice-receiver`): one
 * `EventSource` on `<url>/events`. On connect the receiver replays every transaction it recorded,
 * then streams new ones (`event: transaction`, `data: {txnId, receivedAt, body}`); a reconnect
 * replays them again, so transactions are deduplicated by txnId.
 *
 * EventSource reconnects by itself after a network error (readyState CONNECTING), which we show as
 * "lost, retrying"; it gives up only when the answer is not an event stream (readyState CLOSED).
 * Each `connect` is a new connection object, the effect's key: StrictMode's second mount reuses
 * it (the replay is deduplicated), a new URL or a new Connect starts afresh.
 */
import { useEffect, useState } from 'react';
import { parseReceivedRecord, parseTransaction, type ParsedTransaction } from './transaction.ts';

export type ReceiverConnection = { readonly url: string };

export type ReceiverState = 'idle' | 'connecting' | 'connected' | 'lost' | 'failed';

export type ReceiverView = {
  state: ReceiverState;
  /** The URL of the current (or last) connection, without a trailing slash. */
  url: string | null;
  /** True once this connection has been open at least once. */
  hasConnected: boolean;
  /** Newest first (by receivedAt, then by arrival). */
  transactions: readonly ParsedTransaction[];
  /** Messages the receiver sent that were not transaction records. */
  invalidMessages: number;
};

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** Checks what the user typed: an http(s) URL without credentials, query or fragment. */
export function checkReceiverUrl(input: string): UrlCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter the receiver’s URL, e.g. http://127.0.0.1:9000.' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//iu.test(text) && !/^[a-z][a-z0-9+.-]*:[^0-9]/iu.test(text)) {
    // "127.0.0.1:9000", "localhost:9000": the scheme is missing.
    return {
      ok: false,
      message: `The receiver URL must start with http:// or https://, e.g. http://${text}.`,
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `“${text}” is not a URL. Enter one like http://127.0.0.1:9000.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      message: `The receiver URL must start with http:// or https:// (this one is ${url.protocol}).`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'Leave the user name and password out of the receiver URL.' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'The receiver URL takes no ?query or #fragment.' };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/u, '')}` };
}

type Stored = {
  connection: ReceiverConnection;
  state: Exclude<ReceiverState, 'idle'>;
  hasConnected: boolean;
  byTxnId: ReadonlyMap<string, ParsedTransaction>;
  transactions: readonly ParsedTransaction[];
  invalidMessages: number;
};

const fresh = (connection: ReceiverConnection): Stored => ({
  connection,
  state: 'connecting',
  hasConnected: false,
  byTxnId: new Map(),
  transactions: [],
  invalidMessages: 0,
});

function receive(stored: Stored, data: unknown): Stored {
  const record = typeof data === 'string' ? parseReceivedRecord(data) : null;
  if (!record) return { ...stored, invalidMessages: stored.invalidMessages + 1 };
  if (stored.byTxnId.has(record.txnId)) return stored;
  const parsed = parseTransaction(record);
  const byTxnId = new Map(stored.byTxnId).set(record.txnId, parsed);
  // Newest first; a stable sort keeps a later arrival before an earlier one with the same time.
  const transactions = [parsed, ...stored.transactions].sort((a, b) => b.receivedAt - a.receivedAt);
  return { ...stored, byTxnId, transactions };
}

/** Opens `<url>/events` while `connection` is non-null; closes it on change and on unmount. */
export function useReceiver(connection: ReceiverConnection | null): ReceiverView {
  const [stored, setStored] = useState<Stored | null>(null);

  useEffect(() => {
    if (!connection) return;
    const source = new EventSource(`${connection.url}/events`);
    let closed = false;
    const update = (change: (s: Stored) => Stored) => {
      if (closed) return;
      setStored((prev) => change(prev?.connection === connection ? prev : fresh(connection)));
    };
    source.onopen = () => {
      update((s) => ({ ...s, state: 'connected', hasConnected: true }));
    };
    source.onerror = () => {
      const state = source.readyState === EventSource.CLOSED ? 'failed' : 'lost';
      update((s) => ({ ...s, state }));
    };
    const onTransaction = (event: MessageEvent) => {
      update((s) => receive(s, event.data));
    };
    source.addEventListener('transaction', onTransaction);
    return () => {
      closed = true;
      source.removeEventListener('transaction', onTransaction);
      source.onopen = null;
      source.onerror = null;
      source.close();
    };
  }, [connection]);

  if (!connection) {
    // Disconnected: keep showing what the last connection received.
    return {
      state: 'idle',
      url: stored?.connection.url ?? null,
      hasConnected: false,
      transactions: stored?.transactions ?? [],
      invalidMessages: stored?.invalidMessages ?? 0,
    };
  }
  const current = stored?.connection === connection ? stored : fresh(connection);
  return {
    state: current.state,
    url: connection.url,
    hasConnected: current.hasConnected,
    transactions: current.transactions,
    invalidMessages: current.invalidMessages,
  };
}
