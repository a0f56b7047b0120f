/**
 * The transaction receiver: the HTTP server a homeserver pushes application-service transactions to,
 * and the loopback stream the browser app reads them from. Plain `node:http`, no framework.
 *
 * Homeserver-facing (spec "Application Service API", docs/protocol.md §7), `Authorization: Bearer
 * <hs_token>` required — missing 401 `M_UNAUTHORIZED`, wrong 403 `M_FORBIDDEN`:
 *   PUT  /_matrix/app/v1/transactions/{txnId}  record once per txnId, answer `{}`
 *   GET  /_matrix/app/v1/users/{userId}        404 `M_NOT_FOUND` (we never create users)
 *   GET  /_matrix/app/v1/rooms/{alias}         404 `M_NOT_FOUND` (nor rooms)
 *   POST /_matrix/app/v1/ping                  `{}`
 *   and the legacy unprefixed /transactions, /users, /rooms.
 * The token is read from the header only: the deprecated `access_token` query parameter is not accepted (Synapse
 * sends the header even when `use_appservice_legacy_authorization` adds the query parameter).
 *
 * Browser-facing, CORS for loopback origins and `allowOrigins` (docs/decisions/012-appservice-receiver.md):
 *   GET /events        Server-Sent Events: every recorded transaction, then each new one
 *   GET /transactions  the same records as a JSON array
 *   GET /health        `{"ok": true, "id": <registration id>}`
 * Nothing browser-facing ever carries the hs_token; the log never prints it or a query string.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import type { Registration } from './registration.ts';
import { SSE_TRANSACTION_EVENT, type ReceivedTransaction, type ReceiverHealth } from './types.ts';

export type ReceiverOptions = {
  registration: Registration;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Listen port; 0 picks a free one. */
  port: number;
  /** Extra browser origins allowed besides loopback ones, exactly as the browser sends them. */
  allowOrigins?: readonly string[];
  /** Most transactions kept (oldest dropped first); default 1000. */
  maxTransactions?: number;
  /** SSE keep-alive comment interval; default 15 s. */
  keepAliveMs?: number;
  /** Largest transaction body accepted; default 16 MiB. */
  maxBodyBytes?: number;
  /** One line per notable thing; never a token. Default: none. */
  log?: (line: string) => void;
  /** Clock, for tests. */
  now?: () => number;
};

export type Receiver = {
  /** `http://host:port` actually bound. */
  readonly url: string;
  readonly port: number;
  /** The recorded transactions, oldest first. */
  transactions(): readonly ReceivedTransaction[];
  /** Ends SSE streams, stops listening and closes connections; resolves when the server is closed. */
  close(): Promise<void>;
};

const APP_PREFIX = '/_matrix/app/v1';
const DEFAULT_MAX_TRANSACTIONS = 1000;
const DEFAULT_KEEP_ALIVE_MS = 15_000;
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/** `http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*` (and without a port). */
export function isLoopbackOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.origin !== origin) return false; // no paths, no trailing slash, no credentials
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
}

/** Compares tokens in constant time (hashes first, so lengths do not leak either). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the receiver; resolves once it listens. */
export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const { registration } = opts;
  const host = opts.host ?? '127.0.0.1';
  const maxTransactions = opts.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
  const keepAliveMs = opts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? Date.now;
  const allowOrigins = new Set(opts.allowOrigins ?? []);
  const allowedHostNames = new Set(['localhost']);
  for (const origin of allowOrigins) {
    if (URL.canParse(origin)) allowedHostNames.add(new URL(origin).hostname);
  }

  const log_: ReceivedTransaction[] = [];
  /** Every txnId ever accepted, with a fingerprint of its body (to notice a reset homeserver). */
  const seen = new Map<string, string>();
  const streams = new Set<ServerResponse>();
  let closing = false;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) {
        sendJson(res, e.status, { errcode: e.errcode, error: e.message });
      } else {
        log(`internal error: ${e instanceof Error ? e.message : String(e)}`);
        sendJson(res, 500, { errcode: 'M_UNKNOWN', error: 'Internal error' });
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    // The query string is dropped here and never logged (it may hold a legacy access_token).
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath === '/events' || rawPath === '/transactions' || rawPath === '/health') {
      browserFacing(req, res, method, rawPath);
      return;
    }
    const route = homeserverRoute(rawPath);
    if (route === undefined) {
      throw new HttpError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    }
    checkHsToken(req);
    switch (route.kind) {
      case 'transaction': {
        if (method !== 'PUT') throw methodNotAllowed(res, 'PUT');
        const body = await readJsonObject(req);
        record(route.param, body);
        sendJson(res, 200, {});
        return;
      }
      case 'ping': {
        if (method !== 'POST') throw methodNotAllowed(res, 'POST');
        const body = await readJsonObject(req).catch((): Record<string, unknown> => ({}));
        const txn = typeof body.transaction_id === 'string' ? ` (transaction_id ${body.transaction_id})` : '';
        log(`ping from the homeserver${txn}`);
        sendJson(res, 200, {});
        return;
      }
      case 'users':
      case 'rooms': {
        if (method !== 'GET') throw methodNotAllowed(res, 'GET');
        const what = route.kind === 'users' ? 'user' : 'room alias';
        throw new HttpError(404, 'M_NOT_FOUND', `This application service creates no ${what}s`);
      }
      case 'thirdparty':
        throw new HttpError(404, 'M_NOT_FOUND', 'This application service bridges no third-party networks');
    }
  }

  function methodNotAllowed(res: ServerResponse, allow: string): HttpError {
    res.setHeader('Allow', allow);
    return new HttpError(405, 'M_UNRECOGNIZED', 'Unrecognized request');
  }

  function checkHsToken(req: IncomingMessage): void {
    const header = req.headers.authorization;
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m?.[1] === undefined) {
      throw new HttpError(401, 'M_UNAUTHORIZED', 'Missing Authorization: Bearer <hs_token>');
    }
    if (!tokensEqual(m[1], registration.hsToken)) {
      throw new HttpError(403, 'M_FORBIDDEN', 'Invalid hs_token');
    }
  }

  function record(txnId: string, body: Record<string, unknown>): void {
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const earlier = seen.get(txnId);
    if (earlier !== undefined) {
      log(
        earlier === fingerprint
          ? `txn ${txnId}: repeated, already recorded`
          : `txn ${txnId}: repeated with a different body, ignored (was the homeserver's database reset? restart the receiver)`,
      );
      return;
    }
    seen.set(txnId, fingerprint);
    const entry: ReceivedTransaction = { txnId, receivedAt: now(), body };
    log_.push(entry);
    if (log_.length > maxTransactions) log_.splice(0, log_.length - maxTransactions);
    log(`txn ${txnId}: ${describe(body)}`);
    const frame = sseFrame(entry);
    for (const stream of streams) stream.write(frame);
  }

  function browserFacing(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    // DNS rebinding: a page served from a name that resolves to us would be same-origin. Only an IP
    // literal, localhost, or the host of an allowed origin may address the browser-facing endpoints.
    const hostName = hostOf(req.headers.host);
    if (
      hostName === undefined ||
      (isIP(hostName.replace(/^\[|\]$/g, '')) === 0 && !allowedHostNames.has(hostName))
    ) {
      throw new HttpError(403, 'M_FORBIDDEN', 'Host not allowed');
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!isLoopbackOrigin(origin) && !allowOrigins.has(origin)) {
        throw new HttpError(
          403,
          'M_FORBIDDEN',
          `Origin not allowed: start the receiver with --allow-origin ${origin}`,
        );
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
    res.setHeader('Vary', 'Origin');
    if (method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
      const requested = req.headers['access-control-request-headers'];
      if (requested !== undefined) res.setHeader('Access-Control-Allow-Headers', requested);
      if (req.headers['access-control-request-private-network'] === 'true') {
        res.setHeader('Access-Control-Allow-Private-Network', 'true');
      }
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(res, 'GET, OPTIONS');
    if (path === '/health') {
      const health: ReceiverHealth = { ok: true, id: registration.id };
      sendJson(res, 200, health);
    } else if (path === '/transactions') {
      sendJson(res, 200, log_);
    } else {
      openStream(req, res);
    }
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    if (closing) throw new HttpError(503, 'M_UNKNOWN', 'Shutting down');
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.write('retry: 3000\n: connected\n\n');
    for (const entry of log_) res.write(sseFrame(entry));
    streams.add(res);
    const keepAlive = setInterval(() => {
      res.write(': keep-alive\n\n');
    }, keepAliveMs);
    keepAlive.unref();
    res.on('close', () => {
      clearInterval(keepAlive);
      streams.delete(res);
    });
  }

  async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) throw new HttpError(413, 'M_TOO_LARGE', 'Transaction too large');
      chunks.push(chunk);
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'M_NOT_JSON', 'Content not JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new HttpError(400, 'M_BAD_JSON', 'The transaction must be a JSON object');
    }
    return value as Record<string, unknown>;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    transactions: () => log_,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
        // Anything still busy after a grace period (a slow upload) is cut.
        setTimeout(() => {
          server.closeAllConnections();
        }, 2000).unref();
      }),
  };
}

type Route =
  { kind: 'transaction' | 'users' | 'rooms'; param: string } | { kind: 'ping' | 'thirdparty'; param?: never };

/** Matches the spec's `/_matrix/app/v1/…` paths and the legacy unprefixed ones. */
function homeserverRoute(path: string): Route | undefined {
  const rest = path.startsWith(`${APP_PREFIX}/`) ? path.slice(APP_PREFIX.length) : path;
  const isPrefixed = rest !== path;
  if (isPrefixed && rest === '/ping') return { kind: 'ping' };
  if (isPrefixed && rest.startsWith('/thirdparty/')) return { kind: 'thirdparty' };
  const m = /^\/(transactions|users|rooms)\/([^/]+)$/.exec(rest);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  let param: string;
  try {
    param = decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  return { kind: m[1] === 'transactions' ? 'transaction' : (m[1] as 'users' | 'rooms'), param };
}

/** The host name of a Host header (`[::1]` keeps its brackets). */
function hostOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!URL.canParse(`http://${header}`)) return undefined;
  return new URL(`http://${header}`).hostname;
}

function sseFrame(entry: ReceivedTransaction): string {
  // JSON.stringify never emits a raw newline, so one data line carries the whole record.
  return `event: ${SSE_TRANSACTION_EVENT}\ndata: ${JSON.stringify(entry)}\n\n`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** A one-line summary of a transaction for the log: counts, and which account-data field it carried. */
export function describe(body: Record<string, unknown>): string {
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const parts = [`${count(body.events)} event(s)`];
  const ephemeral = count(body.ephemeral) + count(body['de.sorunome.msc2409.ephemeral']);
  if (ephemeral > 0) parts.push(`${ephemeral} ephemeral`);
  const toDevice = count(body['de.sorunome.msc2409.to_device']);
  if (toDevice > 0) parts.push(`${toDevice} to-device`);
  const field = ['org.matrix.msc3682.account_data', 'account_data'].find(
    (k) => typeof body[k] === 'object' && body[k] !== null,
  );
  if (field === undefined) {
    parts.push('no account data');
  } else {
    const users = Object.keys(body[field] as object).length;
    parts.push(`account data for ${users} user(s) in ${field}`);
  }
  return parts.join(', ');
}
