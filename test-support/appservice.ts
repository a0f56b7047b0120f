/**
 * Test fixtures for the application service `inspector-test` that `scripts/homeserver.sh` registers
 * on the `main` Synapse, and for its transaction receiver (src/receiver, on :9010). docs/protocol.md §7,
 * docs/decisions/012-appservice-receiver.md
 *
 * Plain Node (no Playwright, no vitest) so integration and e2e tests can share it. The tokens are
 * test-only: `.cache/homeserver.env` carries them (`AS_TOKEN`, `HS_TOKEN`, `AS_REGISTRATION`,
 * `AS_RECEIVER_URL`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ReceivedTransaction } from '../src/receiver/types.ts';
import { homeserver, type Homeserver } from './synapse.ts';

export type { ReceivedTransaction };

export type TestAppservice = {
  homeserver: Homeserver;
  /** The registration id (`inspector-test`). */
  id: string;
  asToken: string;
  /** Test-only: for posting synthetic transactions to the receiver as a homeserver would. */
  hsToken: string;
  /** The registration file on the host. */
  registrationPath: string;
  registrationYaml: string;
  senderLocalpart: string;
  /** `@<sender_localpart>:<server name>`. */
  senderUserId: string;
  /** The users namespace regexes. */
  userRegexes: string[];
  /** Where the test receiver listens, e.g. `http://127.0.0.1:9010`. */
  receiverUrl: string;
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENV_FILE = path.join(ROOT, '.cache', 'homeserver.env');

function readEnvFile(): Record<string, string> {
  if (!existsSync(ENV_FILE)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(ENV_FILE, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/** Reads the test appservice from `.cache/homeserver.env` (written by `scripts/homeserver.sh up`). */
export function appservice(hs: Homeserver = homeserver('main')): TestAppservice {
  const env: Record<string, string | undefined> = { ...readEnvFile(), ...process.env };
  const { AS_TOKEN, HS_TOKEN, AS_REGISTRATION, AS_RECEIVER_URL } = env;
  if (!AS_TOKEN || !HS_TOKEN || !AS_REGISTRATION || !AS_RECEIVER_URL || !existsSync(AS_REGISTRATION)) {
    throw new Error(
      `The test appservice is not configured (AS_TOKEN, HS_TOKEN, AS_REGISTRATION, AS_RECEIVER_URL in ${ENV_FILE}): run \`bash scripts/homeserver.sh up\`.`,
    );
  }
  const registrationYaml = readFileSync(AS_REGISTRATION, 'utf8');
  const reg = parse(registrationYaml) as {
    id: string;
    sender_localpart: string;
    namespaces: { users?: { regex: string }[] };
  };
  return {
    homeserver: hs,
    id: reg.id,
    asToken: AS_TOKEN,
    hsToken: HS_TOKEN,
    registrationPath: AS_REGISTRATION,
    registrationYaml,
    senderLocalpart: reg.sender_localpart,
    senderUserId: `@${reg.sender_localpart}:${hs.serverName}`,
    userRegexes: (reg.namespaces.users ?? []).map((u) => u.regex),
    receiverUrl: AS_RECEIVER_URL,
  };
}

/** A user the appservice registered (`m.login.application_service`). */
export type AppserviceUser = {
  appservice: TestAppservice;
  userId: string;
  localpart: string;
  /** The device Synapse created at registration. */
  deviceId: string;
};

/** A fresh localpart inside the namespace: `_inspector_<prefix>-<time>-<random>`. */
export function namespacedLocalpart(as: TestAppservice, prefix = 'user'): string {
  return `${as.senderLocalpart}_${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * Registers a user in the appservice's namespace: `POST /_matrix/client/v3/register` with
 * `{"type": "m.login.application_service", "username": localpart}` and the as_token.
 */
export async function asUser(localpart?: string, as: TestAppservice = appservice()): Promise<AppserviceUser> {
  const lp = localpart ?? namespacedLocalpart(as);
  const res = await json<{ user_id: string; device_id: string }>(
    await fetch(`${as.homeserver.baseUrl}/_matrix/client/v3/register`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${as.asToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.application_service', username: lp }),
    }),
    'appservice registration',
  );
  return { appservice: as, userId: res.user_id, localpart: lp, deviceId: res.device_id };
}

/** The URL of a client-API request as `userId` (identity assertion: `user_id`, optionally `device_id`). */
function assertedUrl(as: TestAppservice, userId: string, pathAndQuery: string, deviceId?: string): string {
  const url = new URL(`${as.homeserver.baseUrl}/_matrix/client${pathAndQuery}`);
  url.searchParams.set('user_id', userId);
  if (deviceId !== undefined) url.searchParams.set('device_id', deviceId);
  return url.toString();
}

/** A client-API request as `userId` through the as_token; the raw Response (for error tests). */
export async function asFetch(
  userId: string,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  opts: { deviceId?: string; appservice?: TestAppservice } = {},
): Promise<Response> {
  const as = opts.appservice ?? appservice();
  return fetch(assertedUrl(as, userId, pathAndQuery, opts.deviceId), {
    method,
    headers: {
      Authorization: `Bearer ${as.asToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A client-API request as `userId` (identity assertion); the parsed JSON, or an error. */
export async function asApi<T = unknown>(
  userId: string,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  opts: { deviceId?: string; appservice?: TestAppservice } = {},
): Promise<T> {
  return json<T>(
    await asFetch(userId, method, pathAndQuery, body, opts),
    `${method} ${pathAndQuery.split('?')[0] ?? ''} as ${userId}`,
  );
}

/**
 * Makes Synapse ping the receiver (`POST /_matrix/client/v1/appservice/{id}/ping`): proves the
 * homeserver reaches it, and ends a back-off if an earlier transaction failed (Synapse retries at once).
 */
export async function pingAppservice(as: TestAppservice = appservice()): Promise<{ duration_ms: number }> {
  return json<{ duration_ms: number }>(
    await fetch(`${as.homeserver.baseUrl}/_matrix/client/v1/appservice/${encodeURIComponent(as.id)}/ping`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${as.asToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ transaction_id: `ping-${Date.now()}` }),
    }),
    'appservice ping',
  );
}

/** Every transaction the test receiver has recorded (`GET /transactions`), oldest first. */
export async function receiverTransactions(
  as: TestAppservice = appservice(),
): Promise<ReceivedTransaction[]> {
  return json<ReceivedTransaction[]>(await fetch(`${as.receiverUrl}/transactions`), 'GET /transactions');
}

/** Waits until the receiver has recorded a transaction matching `predicate`; returns it. */
export async function waitForTransaction(
  predicate: (txn: ReceivedTransaction) => boolean,
  opts: { timeoutMs?: number; what?: string; appservice?: TestAppservice } = {},
): Promise<ReceivedTransaction> {
  const end = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const found = (await receiverTransactions(opts.appservice)).find(predicate);
    if (found) return found;
    if (Date.now() > end) {
      throw new Error(`Timed out waiting for a transaction: ${opts.what ?? 'matching the predicate'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True when the transaction's `events` include the event with this ID. */
export function carriesEvent(txn: ReceivedTransaction, eventId: string): boolean {
  const events = txn.body.events;
  return (
    Array.isArray(events) && events.some((e: unknown) => (e as { event_id?: unknown }).event_id === eventId)
  );
}

/**
 * PUTs a transaction to the receiver as a homeserver would (Authorization: Bearer hs_token); returns
 * its txnId (a fresh `synthetic-…` one unless given).
 */
export async function postSyntheticTransaction(
  body: Record<string, unknown>,
  opts: { txnId?: string; appservice?: TestAppservice } = {},
): Promise<string> {
  const as = opts.appservice ?? appservice();
  const txnId = opts.txnId ?? `synthetic-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  await json<unknown>(
    await fetch(`${as.receiverUrl}/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${as.hsToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
    `PUT transaction ${txnId} to the receiver`,
  );
  return txnId;
}
