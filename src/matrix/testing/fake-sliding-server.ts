/**
 * A small in-memory imitation of Synapse 1.160's simplified sliding sync with the account_data
 * extension (docs/protocol.md §4), for engine unit tests. It keeps per-connection state the way Synapse
 * does: which rooms were already sent (first send = `initial: true` + full room account data,
 * including `{}` rows, §3), deltas since `pos`, `M_UNKNOWN_POS` for positions it does not hold (only
 * the current and previous are kept), `ops[].room_ids` for the window, and long-polling until a
 * change or the timeout (driven by `setTimeout`, so fake timers control it).
 *
 * With `extensions.e2ee` it reports device-list changes since `pos` as Synapse does
 * (`e2ee.device_lists.changed`, incremental requests only, §4.7); MSC4331 device updates go to
 * `account_data.devices` exactly as given to {@link FakeSlidingServer.sendDeviceUpdates} (§5).
 */
import type { JsonObject } from '../types.ts';
import type { RecordedRequest, Reply } from './scripted-fetch.ts';

type Row = { content: JsonObject; stream: number };
type Connection = { positions: Map<string, number>; sent: Set<string>; lastWindow: string };

/** The fake server; pass `server.handle` as the scripted fetch's fallback. */
export class FakeSlidingServer {
  /** Room IDs, most recent first (the list order). */
  rooms: string[] = [];
  readonly names = new Map<string, string>();
  private readonly global = new Map<string, Row>();
  private readonly roomData = new Map<string, Map<string, Row>>();
  private readonly connections = new Map<string, Connection>();
  private stream = 1;
  private posCounter = 0;
  private waiters = new Set<() => void>();
  private readonly deviceListChanges: { userId: string; stream: number }[] = [];
  private readonly deviceUpdates: { raw: Record<string, unknown>; stream: number }[] = [];
  /** When false, initial global data keeps `{}` rows (MSC3391 off). */
  dropEmptyGlobalOnInitial = true;

  /** Adds rooms at the top of the list. */
  addRooms(ids: readonly string[], name?: (id: string) => string): void {
    for (const id of ids) {
      this.rooms.unshift(id);
      if (name) this.names.set(id, name(id));
    }
    this.bump();
  }

  removeRoom(id: string): void {
    this.rooms = this.rooms.filter((r) => r !== id);
    this.bump();
  }

  setGlobal(type: string, content: JsonObject): void {
    this.global.set(type, { content, stream: this.bump() });
  }

  setRoom(roomId: string, type: string, content: JsonObject): void {
    let map = this.roomData.get(roomId);
    if (!map) {
      map = new Map();
      this.roomData.set(roomId, map);
    }
    map.set(type, { content, stream: this.bump() });
  }

  /** A user's device list changed (a device signed in or out). */
  changeDeviceList(userId: string): void {
    this.deviceListChanges.push({ userId, stream: this.bump() });
  }

  /** MSC4331 device updates, merged as given into `account_data.devices` of replies after `pos`. */
  sendDeviceUpdates(raw: Record<string, unknown>): void {
    this.deviceUpdates.push({ raw, stream: this.bump() });
  }

  /** Forgets every connection (e.g. positions unused for 7 days). */
  forgetConnections(): void {
    this.connections.clear();
  }

  readonly handle = async (req: RecordedRequest): Promise<Reply | Error | 'hang'> => {
    const body = req.body as {
      conn_id: string;
      lists: { all: { ranges: [number, number][] } };
      extensions?: { account_data?: { enabled?: boolean }; e2ee?: { enabled?: boolean } };
    };
    const pos = req.query.pos;
    const timeout = Number(req.query.timeout ?? '0');
    let conn = this.connections.get(body.conn_id);
    if (pos !== undefined) {
      if (!conn?.positions.has(pos))
        return { status: 400, json: { errcode: 'M_UNKNOWN_POS', error: 'Unknown position' } };
    } else {
      conn = { positions: new Map(), sent: new Set(), lastWindow: '' };
      this.connections.set(body.conn_id, conn);
    }
    const since = pos === undefined ? undefined : conn.positions.get(pos);
    let reply = this.compute(body, conn, since);
    if (pos !== undefined && timeout > 0 && reply.isEmpty) {
      await this.waitForChange(timeout, req.signal);
      reply = this.compute(body, conn, since);
    }
    // Commit: new position; Synapse keeps the current and the previous one.
    const newPos = `${++this.posCounter}`;
    const keep = pos;
    for (const p of [...conn.positions.keys()]) if (p !== keep) conn.positions.delete(p);
    conn.positions.set(newPos, this.stream);
    for (const id of reply.newlySent) conn.sent.add(id);
    conn.lastWindow = reply.windowKey;
    return { status: 200, json: { pos: newPos, ...reply.json } };
  };

  private compute(
    body: {
      lists: { all: { ranges: [number, number][] } };
      extensions?: { account_data?: { enabled?: boolean }; e2ee?: { enabled?: boolean } };
    },
    conn: Connection,
    since: number | undefined,
  ): { json: Record<string, unknown>; isEmpty: boolean; newlySent: string[]; windowKey: string } {
    const [start, end] = body.lists.all.ranges[0] ?? [0, 0];
    const window = this.rooms.slice(start, end + 1);
    const rooms: Record<string, unknown> = {};
    const roomAccountData: Record<string, unknown[]> = {};
    const newlySent: string[] = [];
    for (const id of window) {
      const data = this.roomData.get(id) ?? new Map<string, Row>();
      if (!conn.sent.has(id)) {
        newlySent.push(id);
        const name = this.names.get(id);
        rooms[id] = { initial: true, joined_count: 1, invited_count: 0, ...(name ? { name } : {}) };
        roomAccountData[id] = [...data].map(([type, row]) => ({ type, content: row.content }));
      } else {
        const changed = [...data].filter(([, row]) => since !== undefined && row.stream > since);
        if (changed.length > 0)
          roomAccountData[id] = changed.map(([type, row]) => ({ type, content: row.content }));
      }
    }
    const global = [...this.global]
      .filter(([, row]) =>
        since === undefined
          ? !(this.dropEmptyGlobalOnInitial && Object.keys(row.content).length === 0)
          : row.stream > since,
      )
      .map(([type, row]) => ({ type, content: row.content }));
    const devices: Record<string, unknown> = {};
    for (const update of this.deviceUpdates) {
      if (since !== undefined && update.stream > since) Object.assign(devices, update.raw);
    }
    const isE2ee = body.extensions?.e2ee?.enabled === true;
    const changedUsers = [
      ...new Set(
        this.deviceListChanges.filter((c) => since !== undefined && c.stream > since).map((c) => c.userId),
      ),
    ];
    const windowKey = window.join(',');
    const isEmpty =
      newlySent.length === 0 &&
      Object.keys(roomAccountData).length === 0 &&
      global.length === 0 &&
      Object.keys(devices).length === 0 &&
      !(isE2ee && changedUsers.length > 0) &&
      windowKey === conn.lastWindow;
    const json: Record<string, unknown> = {
      lists: {
        all: { count: this.rooms.length, ops: [{ op: 'SYNC', range: [start, end], room_ids: window }] },
      },
      rooms,
    };
    const extensions: Record<string, unknown> = {};
    if (body.extensions?.account_data?.enabled === true) {
      extensions.account_data = {
        global,
        rooms: roomAccountData,
        ...(Object.keys(devices).length > 0 ? { devices } : {}),
      };
    }
    if (isE2ee) {
      // Synapse always sends the key counts; `device_lists` only on incremental requests.
      extensions.e2ee = {
        device_one_time_keys_count: { signed_curve25519: 0 },
        device_unused_fallback_key_types: [],
        ...(since === undefined ? {} : { device_lists: { changed: changedUsers, left: [] } }),
      };
    }
    if (Object.keys(extensions).length > 0) json.extensions = extensions;
    return { json, isEmpty, newlySent, windowKey };
  }

  private bump(): number {
    this.stream += 1;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
    return this.stream;
  }

  private waitForChange(timeout: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeout);
      this.waiters.add(done);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          reject((signal.reason as Error | undefined) ?? new DOMException('aborted', 'AbortError'));
        },
        { once: true },
      );
    });
  }
}
