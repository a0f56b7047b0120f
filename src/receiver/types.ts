/**
 * What the transaction receiver hands to browsers: shared by the receiver (Node) and anything that
 * reads its `/events` stream or `/transactions` list. No Node imports here, so browser code may use it.
 */

/** One transaction as the receiver recorded it (`/transactions`, and each SSE `transaction` event). */
export type ReceivedTransaction = {
  /** The `{txnId}` of `PUT /_matrix/app/v1/transactions/{txnId}`, decoded. */
  txnId: string;
  /** When the receiver accepted it, epoch milliseconds. */
  receivedAt: number;
  /** The transaction JSON exactly as the homeserver sent it (`events`, and whatever else it carries). */
  body: Record<string, unknown>;
};

/** The SSE event name of each transaction on `/events`. */
export const SSE_TRANSACTION_EVENT = 'transaction';

/** `GET /health`. */
export type ReceiverHealth = { ok: true; id: string };
