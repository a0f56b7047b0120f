import { request, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Registration } from './registration.ts';
import {
  describe as describeTxn,
  isLoopbackOrigin,
  startReceiver,
  tokensEqual,
  type Receiver,
} from './server.ts';
import type { ReceivedTransaction } from './types.ts';

const HS_TOKEN = 'h'.repeat(64);
const REGISTRATION: Registration = {
  id: 'inspector-unit',
  url: 'http://127.0.0.1:9010',
  asToken: 'a'.repeat(64),
  hsToken: HS_TOKEN,
  senderLocalpart: '_inspector',
  namespaces: { users: [{ exclusive: true, regex: '@_inspector_.*' }], aliases: [], rooms: [] },
};

let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function start(opts: Partial<Parameters<typeof startReceiver>[0]> = {}): Promise<Receiver> {
  const lines: string[] = [];
  const r = await startReceiver({ registration: REGISTRATION, port: 0, log: (l) => lines.push(l), ...opts });
  receivers.push(r);
  logs.set(r, lines);
  return r;
}
const logs = new Map<Receiver, string[]>();

type Reply = { status: number; headers: IncomingMessage['headers']; text: string; json: () => unknown };

/** One request with node:http (fetch would refuse to set Host and Origin). */
function send(
  r: Receiver,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = request(`${r.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: (): unknown => JSON.parse(text),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** PUTs a transaction with the hs_token, another token, or (`null`) none. */
const putTxn = (r: Receiver, txnId: string, body: unknown, token: string | null = HS_TOKEN) =>
  send(r, 'PUT', `/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}`, {
    ...(token === null ? {} : { token }),
    body,
  });

/** A Server-Sent Events client on node:http: parses frames, keeps comments apart. */
class SseClient {
  readonly events: { event: string; data: string }[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  private buffer = '';
  private readonly closed: Promise<void>;
  private abort!: () => void;

  constructor(r: Receiver, headers: Record<string, string> = {}) {
    this.closed = new Promise((resolve, reject) => {
      const req = request(
        `${r.url}/events`,
        { headers: { Accept: 'text/event-stream', ...headers } },
        (res) => {
          this.status = res.statusCode ?? 0;
          this.headers = res.headers;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            this.buffer += chunk;
            let end;
            while ((end = this.buffer.indexOf('\n\n')) >= 0) {
              this.frame(this.buffer.slice(0, end));
              this.buffer = this.buffer.slice(end + 2);
            }
          });
          res.on('end', () => {
            resolve();
          });
          res.on('error', () => {
            resolve();
          });
        },
      );
      req.on('error', reject);
      this.abort = () => req.destroy();
      req.end();
    });
  }

  private frame(text: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) this.events.push({ event, data: data.join('\n') });
  }

  transactions(): ReceivedTransaction[] {
    return this.events
      .filter((e) => e.event === 'transaction')
      .map((e) => JSON.parse(e.data) as ReceivedTransaction);
  }

  async waitFor(predicate: () => boolean, what: string): Promise<void> {
    const end = Date.now() + 3000;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    this.abort();
    return this.closed;
  }

  ended(): Promise<void> {
    return this.closed;
  }
}

describe('homeserver-facing authentication', () => {
  it('answers 401 M_UNAUTHORIZED without a token and 403 M_FORBIDDEN with a wrong one, recording nothing', async () => {
    const r = await start();
    const none = await putTxn(r, '1', { events: [] }, null);
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ errcode: 'M_UNAUTHORIZED' });
    const wrong = await putTxn(r, '1', { events: [] }, 'not-the-token');
    expect(wrong.status).toBe(403);
    expect(wrong.json()).toMatchObject({ errcode: 'M_FORBIDDEN' });
    const asToken = await putTxn(r, '1', { events: [] }, REGISTRATION.asToken);
    expect(asToken.status).toBe(403);
    expect(r.transactions()).toEqual([]);
  });

  it('does not accept the deprecated ?access_token= query parameter (header only)', async () => {
    const r = await start();
    const res = await send(r, 'PUT', `/_matrix/app/v1/transactions/1?access_token=${HS_TOKEN}`, { body: {} });
    expect(res.status).toBe(401);
    expect(r.transactions()).toEqual([]);
    expect(logs.get(r)!.join('\n')).not.toContain(HS_TOKEN);
  });

  it('guards /users, /rooms and /ping the same way', async () => {
    const r = await start();
    for (const [method, path] of [
      ['GET', '/_matrix/app/v1/users/%40_inspector_x%3Ahs'],
      ['GET', '/_matrix/app/v1/rooms/%23a%3Ahs'],
      ['POST', '/_matrix/app/v1/ping'],
    ] as const) {
      expect((await send(r, method, path)).status).toBe(401);
      expect((await send(r, method, path, { token: 'x' })).status).toBe(403);
    }
  });

  it('compares tokens without regard to length leaks', () => {
    expect(tokensEqual(HS_TOKEN, HS_TOKEN)).toBe(true);
    expect(tokensEqual(HS_TOKEN.slice(1), HS_TOKEN)).toBe(false);
    expect(tokensEqual('', HS_TOKEN)).toBe(false);
  });
});

describe('transactions', () => {
  it('answers {} and records the body as received, once per txnId', async () => {
    const r = await start({ now: () => 1234 });
    const body = { events: [{ type: 'm.room.message', content: { body: 'hi' } }], 'org.example.extra': 1 };
    const first = await putTxn(r, '42', body);
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({});
    const repeat = await putTxn(r, '42', body);
    expect(repeat.status).toBe(200);
    expect(repeat.json()).toEqual({});
    const changed = await putTxn(r, '42', { events: [] });
    expect(changed.json()).toEqual({});
    expect(r.transactions()).toEqual([{ txnId: '42', receivedAt: 1234, body }]);
    expect(logs.get(r)).toEqual([
      'txn 42: 1 event(s), no account data',
      'txn 42: repeated, already recorded',
      "txn 42: repeated with a different body, ignored (was the homeserver's database reset? restart the receiver)",
    ]);
  });

  it('takes the legacy unprefixed path and decodes the txnId', async () => {
    const r = await start();
    expect(
      (await send(r, 'PUT', '/transactions/a%2Fb', { token: HS_TOKEN, body: { events: [] } })).status,
    ).toBe(200);
    expect(r.transactions().map((t) => t.txnId)).toEqual(['a/b']);
  });

  it('refuses a body that is not a JSON object, and other methods', async () => {
    const r = await start();
    const notJson = await new Promise<number>((resolve, reject) => {
      const req = request(`${r.url}/_matrix/app/v1/transactions/1`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${HS_TOKEN}` },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{nope');
    });
    expect(notJson).toBe(400);
    const array = await putTxn(r, '2', [1, 2]);
    expect(array.status).toBe(400);
    expect(array.json()).toMatchObject({ errcode: 'M_BAD_JSON' });
    const get = await send(r, 'GET', '/_matrix/app/v1/transactions/3', { token: HS_TOKEN });
    expect(get.status).toBe(405);
    expect(r.transactions()).toEqual([]);
  });

  it('refuses a body over the size limit with 413', async () => {
    const r = await start({ maxBodyBytes: 100 });
    const res = await putTxn(r, '1', { events: [], pad: 'x'.repeat(200) });
    expect(res.status).toBe(413);
    expect(r.transactions()).toEqual([]);
  });

  it('keeps the newest transactions when the log is full, and still ignores repeats of dropped ones', async () => {
    const r = await start({ maxTransactions: 2 });
    for (const id of ['1', '2', '3']) await putTxn(r, id, { events: [] });
    expect(r.transactions().map((t) => t.txnId)).toEqual(['2', '3']);
    await putTxn(r, '1', { events: [] });
    expect(r.transactions().map((t) => t.txnId)).toEqual(['2', '3']);
  });

  it('summarises account data from either field name', () => {
    expect(
      describeTxn({ events: [1, 2], ephemeral: [1], 'org.matrix.msc3682.account_data': { '@a:x': {} } }),
    ).toBe('2 event(s), 1 ephemeral, account data for 1 user(s) in org.matrix.msc3682.account_data');
    expect(describeTxn({ account_data: { '@a:x': {}, '@b:x': {} } })).toBe(
      '0 event(s), account data for 2 user(s) in account_data',
    );
  });
});

describe('other homeserver-facing endpoints', () => {
  it('answers 404 M_NOT_FOUND for users and room aliases (it creates none), prefixed or not', async () => {
    const r = await start();
    for (const path of [
      '/_matrix/app/v1/users/%40_inspector_x%3Ahs',
      '/_matrix/app/v1/rooms/%23room%3Ahs',
      '/users/%40_inspector_x%3Ahs',
      '/rooms/%23room%3Ahs',
      '/_matrix/app/v1/thirdparty/protocol/irc',
    ]) {
      const res = await send(r, 'GET', path, { token: HS_TOKEN });
      expect(res.status, path).toBe(404);
      expect(res.json(), path).toMatchObject({ errcode: 'M_NOT_FOUND' });
    }
  });

  it('answers a ping with {}', async () => {
    const r = await start();
    const res = await send(r, 'POST', '/_matrix/app/v1/ping', {
      token: HS_TOKEN,
      body: { transaction_id: 'p1' },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({});
    expect(logs.get(r)).toEqual(['ping from the homeserver (transaction_id p1)']);
  });

  it('answers 404 M_UNRECOGNIZED for anything else', async () => {
    const r = await start();
    const res = await send(r, 'GET', '/nothing/here');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
  });
});

describe('browser-facing endpoints', () => {
  it('/health names the registration, /transactions lists the records, and neither carries a token', async () => {
    const r = await start({ now: () => 7 });
    await putTxn(r, 't1', { events: [] });
    const health = await send(r, 'GET', '/health');
    expect(health.json()).toEqual({ ok: true, id: 'inspector-unit' });
    const list = await send(r, 'GET', '/transactions');
    expect(list.json()).toEqual([{ txnId: 't1', receivedAt: 7, body: { events: [] } }]);
    expect(health.text + list.text).not.toMatch(/hhhh|aaaa/);
  });

  it('replays every recorded transaction on connect, then streams new ones live', async () => {
    const r = await start();
    await putTxn(r, '1', { events: [{ n: 1 }] });
    await putTxn(r, '2', { events: [{ n: 2 }] });
    const sse = new SseClient(r);
    await sse.waitFor(() => sse.transactions().length === 2, 'the replay');
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(sse.headers['cache-control']).toContain('no-cache');

    await putTxn(r, '3', {
      events: [{ n: 3 }],
      'org.matrix.msc3682.account_data': { '@a:x': { events: [] } },
    });
    await putTxn(r, '3', { events: [{ n: 3 }] }); // a repeat is not streamed again
    await sse.waitFor(() => sse.transactions().length === 3, 'the live transaction');
    await putTxn(r, '4', { events: [] });
    await sse.waitFor(() => sse.transactions().length === 4, 'the next one');
    expect(sse.transactions().map((t) => [t.txnId, t.body.events])).toEqual([
      ['1', [{ n: 1 }]],
      ['2', [{ n: 2 }]],
      ['3', [{ n: 3 }]],
      ['4', []],
    ]);
    expect(sse.transactions()[2]!.body['org.matrix.msc3682.account_data']).toEqual({
      '@a:x': { events: [] },
    });
    expect(sse.events.every((e) => e.event === 'transaction')).toBe(true);

    // A second client gets the whole replay too.
    const late = new SseClient(r);
    await late.waitFor(() => late.transactions().length === 4, 'the second replay');
    await Promise.all([sse.close(), late.close()]);
  });

  it('sends keep-alive comments while idle', async () => {
    const r = await start({ keepAliveMs: 30 });
    const sse = new SseClient(r);
    await sse.waitFor(() => sse.comments.filter((c) => c === 'keep-alive').length >= 2, 'keep-alives');
    expect(sse.comments[0]).toBe('connected');
    expect(sse.events).toEqual([]);
    await sse.close();
  });

  it('ends open streams on close (graceful shutdown)', async () => {
    const r = await start();
    const sse = new SseClient(r);
    await sse.waitFor(() => sse.comments.includes('connected'), 'the stream');
    await r.close();
    receivers = receivers.filter((x) => x !== r);
    await sse.ended();
  });
});

describe('CORS and hosts', () => {
  it('knows loopback origins', () => {
    expect(isLoopbackOrigin('http://127.0.0.1:5173')).toBe(true);
    expect(isLoopbackOrigin('http://localhost:4173')).toBe(true);
    expect(isLoopbackOrigin('http://localhost')).toBe(true);
    expect(isLoopbackOrigin('http://[::1]:5173')).toBe(true);
    expect(isLoopbackOrigin('http://127.0.0.2:5173')).toBe(false);
    expect(isLoopbackOrigin('http://localhost.evil.example')).toBe(false);
    expect(isLoopbackOrigin('http://evil.example')).toBe(false);
    expect(isLoopbackOrigin('null')).toBe(false);
    expect(isLoopbackOrigin('file://')).toBe(false);
  });

  it('echoes a loopback Origin, refuses others with 403, and allows --allow-origin ones', async () => {
    const r = await start({ allowOrigins: ['https://inspector.example.org'] });
    for (const origin of [
      'http://127.0.0.1:5173',
      'http://localhost:4173',
      'https://inspector.example.org',
    ]) {
      const res = await send(r, 'GET', '/health', { headers: { Origin: origin } });
      expect(res.status, origin).toBe(200);
      expect(res.headers['access-control-allow-origin'], origin).toBe(origin);
      expect(res.headers.vary).toBe('Origin');
    }
    const evil = await send(r, 'GET', '/transactions', { headers: { Origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const sse = new SseClient(r, { Origin: 'https://evil.example' });
    await sse.ended();
    expect(sse.status).toBe(403);
    const noOrigin = await send(r, 'GET', '/health');
    expect(noOrigin.status).toBe(200);
    expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a preflight for an allowed origin only', async () => {
    const r = await start();
    const ok = await send(r, 'OPTIONS', '/events', {
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'last-event-id',
        'Access-Control-Request-Private-Network': 'true',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(ok.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
    expect(ok.headers['access-control-allow-headers']).toBe('last-event-id');
    expect(ok.headers['access-control-allow-private-network']).toBe('true');
    const no = await send(r, 'OPTIONS', '/events', { headers: { Origin: 'http://evil.example' } });
    expect(no.status).toBe(403);
  });

  it('gives the homeserver-facing endpoints no CORS: a browser never holds the hs_token', async () => {
    const r = await start();
    const res = await send(r, 'OPTIONS', '/_matrix/app/v1/transactions/1', {
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a Host name that could be a DNS-rebinding page (IP literals and localhost only)', async () => {
    const r = await start();
    const rebound = await send(r, 'GET', '/transactions', { headers: { Host: 'attacker.example:9010' } });
    expect(rebound.status).toBe(403);
    for (const host of ['localhost:9010', '127.0.0.1:9010', '[::1]:9010', '192.168.1.5:9010']) {
      expect((await send(r, 'GET', '/health', { headers: { Host: host } })).status, host).toBe(200);
    }
  });
});
