/**
 * Sliding-sync engine for account data (simplified MSC3575 / MSC4186 as Synapse 1.160 implements
 * it, docs/protocol.md §4.1–§4.5, with the MSC3959 `account_data` extension, §4.3).
 *
 * Who calls whom: the app (or CLI) creates a `MatrixClient` per session, builds this engine (see
 * `create-sync.ts`), subscribes, and calls `start()`. The engine loops on
 * `POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync?pos=…&timeout=…` through the
 * identity's `Transport` (which refreshes tokens, or asserts an appservice user) and emits one
 * `SyncEvent[]` batch per reply. The loop and error
 * policy live in `engine-base.ts`.
 *
 * Phases:
 * 1. **connecting** — first request, no `pos`, one list `all` with `ranges [[0,0]]` to learn
 *    `count` (leaving `ranges` out returns only `count`, §4.4). Its reply is a **snapshot**:
 *    `global-snapshot` replaces all global data.
 * 2. **loading** — widen the window by `windowStep` rooms per request with `timeout=0` until it
 *    covers `[[0, count-1]]` (plus a little headroom so a newly joined room lands inside at once).
 *    By default the second request asks for every room at once: each request re-pays Synapse's
 *    whole-list work, so fewer, wider windows load a big account sooner (measured with
 *    `npm run bench -- --browser`, docs/decisions/014-window-schedule.md).
 *    Every room entering the window for the first time comes with `initial: true` and its full
 *    room account data → `room-added` + `room-snapshot`. When the window covers the list:
 *    `initial-complete`.
 * 3. **live** — long-poll (`timeout=pollTimeoutMs`, HTTP timeout = that + margin). Deltas become
 *    `changed` / `deleted` (`{}` = deleted, §3). `lists.all.ops[].room_ids` (a Synapse extra we
 *    rely on, §4.2) says which rooms are in the window: when the window covers the list, known rooms
 *    missing from it are `room-removed`. If `count` outgrows the window, it is widened again.
 *    Our own membership (`["m.room.member","$ME"]`) changing triggers an immediate re-poll, because
 *    Synapse drops a room we left from the list only one reply later.
 *    From the first live request on, the body also carries `extensions.e2ee` so that a change of
 *    the user's own device list (`e2ee.device_lists.changed` names them) becomes
 *    `device-list-changed` at once (docs/protocol.md §4.7); it is left out while loading because
 *    Synapse computes membership deltas over every joined room for it on each request.
 *    MSC4331 device updates (`account_data.devices`, docs/protocol.md §5) become device-scoped
 *    deltas in every phase.
 * 4. **resync** — on `M_UNKNOWN_POS` (or `M_UNKNOWN` "Invalid stream token") the position is
 *    dropped; the next reply is a snapshot again (§4.5) and loading restarts.
 *
 * Nothing is sticky on Synapse (§4.1): every request carries the full body, extension included —
 * a request without `account_data` would lose the global changes covered by its new `pos`.
 * `conn_id` is unique per instance (per tab), so two tabs never share or reset one connection's
 * state (docs/protocol.md §4.1).
 *
 * **Repeats are normal.** Synapse 1.160 stamps a reply with the stream token taken when it began
 * computing it (`handlers/sliding_sync/__init__.py`: `next_pos=SlidingSyncStreamToken(to_token, …)`)
 * but reads account data with no upper bound (`storage/databases/main/account_data.py`
 * `get_updated_global_account_data_for_user` / `…_room_…`: `stream_id > from`). A write committed
 * during that computation is in the reply *and*, because the returned `pos` predates it, in the next
 * one. The engine passes such repeats on unchanged (its requests never overlap and each uses the
 * previous reply's `pos`); the repeat always carries the current content, so consumers must apply
 * `changed`/`deleted` idempotently (see `integration/sync.test.ts`, "a write racing a sync computation").
 */
import { SLIDING_SYNC_PATH } from '../endpoints.ts';
import { MatrixNetworkError, MatrixResponseError } from '../errors.ts';
import { isRecord } from '../json.ts';
import type { RoomInfo, SyncEvent } from '../types.ts';
import {
  namesUser,
  parseAccountDataEvents,
  toDeltas,
  toDeviceDeltas,
  toSnapshot,
} from './account-data-events.ts';
import { SyncEngineBase, type SyncEngineOptions, type SyncTransport } from './engine-base.ts';
import { computeRoomDisplayName, type Hero, type RoomNameInputs } from './room-names.ts';

/** Options of {@link SlidingSyncEngine}. */
export type SlidingSyncOptions = SyncEngineOptions & {
  /** Connection ID; default `inspector-<random>` (unique per instance, i.e. per tab). */
  connId?: string;
  /**
   * Rooms added to the window per request while loading. Default: all of them (after the one-room
   * first request, the next asks for the whole list; docs/decisions/014-window-schedule.md).
   */
  windowStep?: number;
  /** Extra window beyond `count` once covered, so new rooms land inside. Default 20. */
  windowHeadroom?: number;
  /** Leave invites out of the list (`filters.is_invite: false`); they carry no account data. Default true. */
  excludeInvites?: boolean;
};

/** Name of the one list the engine uses. */
export const SLIDING_LIST_NAME = 'all';

/**
 * Just enough state to name rooms (docs/protocol.md §4.1); heroes come back anyway for unnamed rooms.
 * `["m.room.member","$ME"]` shows our own membership changing: Synapse keeps a room we left in the
 * list for one more reply (carrying the leave) and drops it only on the next one, which a
 * long-poll would not wake up for — so a membership change triggers an immediate re-poll.
 */
export const SLIDING_REQUIRED_STATE: readonly (readonly [string, string])[] = [
  ['m.room.name', ''],
  ['m.room.canonical_alias', ''],
  ['m.room.create', ''],
  ['m.room.member', '$ME'],
];

type RoomState = { fields: RoomNameInputs & { isDm?: boolean }; info: RoomInfo };

/**
 * Client-side time allowed per room a loading request adds, on top of the usual margin: the server
 * works on every new room's account data before it answers (measured ≈ 2–3 ms per room on Synapse
 * 1.160 on a 2-core machine, docs/decisions/014-window-schedule.md). 10,000 rooms → 30 s + 100 s.
 */
export const LOADING_MS_PER_ROOM = 10;
/** The smallest window a timed-out loading request is narrowed to. */
export const MIN_WINDOW_AFTER_TIMEOUT = 100;
type InFlight = { pos: string | undefined; windowEnd: number };

/** Sliding-sync implementation of `AccountDataSync`; see the file overview for the phases. */
export class SlidingSyncEngine extends SyncEngineBase {
  /** This instance's connection ID. */
  readonly connId: string;
  private readonly options: SlidingSyncOptions;
  private currentPos: string | undefined;
  private count: number | undefined;
  private windowEnd = 0;
  private readonly rooms = new Map<string, RoomState>();
  /** Rooms whose account data arrived since the last (re)sync began. */
  private readonly covered = new Set<string>();
  private isInitialComplete = false;
  /** The last reply's window covered the whole list (so nothing is left to load). */
  private isLastReplyCovering = false;
  /** Our membership changed in a room: ask again at once so the list reflects it. */
  private isRepollNeeded = false;
  /**
   * The `e2ee` extension is on: set when the engine first goes live, cleared by a resync. Kept on
   * while the window re-widens, because a request without it would lose the device-list changes
   * its new `pos` covers (nothing is sticky, docs/protocol.md §4.1).
   */
  private isDeviceListTracked = false;
  private inFlight: InFlight = { pos: undefined, windowEnd: 0 };
  /**
   * Set when a loading request timed out: later windows grow by at most this many rooms (half of
   * what timed out), so a slow server still gets every room, in more, smaller requests.
   */
  private stepAfterTimeout: number | undefined;

  constructor(client: SyncTransport, options: SlidingSyncOptions = {}) {
    super(client, options);
    this.options = options;
    this.connId = options.connId ?? `inspector-${randomId()}`;
  }

  /** The current position token (undefined before the first reply and after a reset). */
  get pos(): string | undefined {
    return this.currentPos;
  }

  /** The rooms currently known, with display names. */
  get knownRooms(): RoomInfo[] {
    return [...this.rooms.values()].map((r) => r.info);
  }

  /**
   * The request body for a window `[[0, windowEnd]]`, with the `e2ee` extension when
   * `withDeviceLists`; exposed for tests and diagnostics.
   */
  buildBody(windowEnd: number, withDeviceLists = false): Record<string, unknown> {
    return {
      conn_id: this.connId,
      lists: {
        [SLIDING_LIST_NAME]: {
          ranges: [[0, windowEnd]],
          timeline_limit: 0,
          required_state: SLIDING_REQUIRED_STATE,
          ...(this.options.excludeInvites === false ? {} : { filters: { is_invite: false } }),
        },
      },
      // Resent every time: nothing is sticky (docs/protocol.md §4.1, §4.3). `e2ee` only once live:
      // Synapse computes membership deltas over every joined room for it on each request (§4.7).
      extensions: {
        account_data: { enabled: true, lists: ['*'], rooms: ['*'] },
        ...(withDeviceLists ? { e2ee: { enabled: true } } : {}),
      },
    };
  }

  protected override request(signal: AbortSignal, immediate: boolean): Promise<unknown> {
    // Long-poll only once a reply has covered the whole list; while the window grows, ask at once.
    const timeout =
      this.currentPos === undefined || immediate || !this.isLastReplyCovering || this.isRepollNeeded
        ? 0
        : this.pollTimeoutMs();
    this.isRepollNeeded = false;
    if (this.currentPos !== undefined && this.isLastReplyCovering) this.isDeviceListTracked = true;
    this.inFlight = { pos: this.currentPos, windowEnd: this.windowEnd };
    return this.client.request('POST', SLIDING_SYNC_PATH, {
      query: { pos: this.currentPos, timeout },
      body: this.buildBody(this.windowEnd, this.isDeviceListTracked),
      signal,
      timeoutMs: this.requestTimeoutMs(timeout) + this.loadingAllowanceMs(timeout),
      maxRateLimitRetries: 0,
    });
  }

  protected override hasPosition(): boolean {
    return this.currentPos !== undefined;
  }

  /** Extra client-side time for a request that adds rooms: the server answers after all of them. */
  private loadingAllowanceMs(timeout: number): number {
    if (timeout !== 0 || this.isLastReplyCovering) return 0;
    const adding = Math.max(0, Math.min(this.windowEnd + 1, this.count ?? 1) - this.covered.size);
    return adding * LOADING_MS_PER_ROOM;
  }

  /**
   * A loading request that timed out asked for too much at once for this server: retry with half
   * as many new rooms (at least {@link MIN_WINDOW_AFTER_TIMEOUT}), and keep that step afterwards.
   */
  protected override requestFailed(error: unknown): void {
    if (!(error instanceof MatrixNetworkError) || !error.isTimeout || this.isLastReplyCovering) return;
    const loaded = this.covered.size;
    const asked = this.inFlight.windowEnd + 1 - loaded;
    if (asked <= MIN_WINDOW_AFTER_TIMEOUT) return;
    const step = Math.max(MIN_WINDOW_AFTER_TIMEOUT, Math.floor(asked / 2));
    this.stepAfterTimeout = step;
    this.windowEnd = Math.max(0, loaded - 1) + step;
  }

  protected override resetPosition(): boolean {
    if (this.currentPos === undefined) return false;
    this.currentPos = undefined;
    this.isInitialComplete = false;
    this.isLastReplyCovering = false;
    this.isDeviceListTracked = false;
    this.covered.clear();
    this.windowEnd = Math.min(this.windowEnd, this.step() - 1);
    return true;
  }

  protected override process(response: unknown): SyncEvent[] {
    if (!isRecord(response) || typeof response.pos !== 'string') {
      throw new MatrixResponseError({
        method: 'POST',
        path: SLIDING_SYNC_PATH,
        status: 200,
        detail: 'sliding-sync reply without pos',
      });
    }
    const { pos: requestPos, windowEnd: requestWindowEnd } = this.inFlight;
    const isSnapshot = requestPos === undefined;
    const batch: SyncEvent[] = [];
    const lists = isRecord(response.lists) ? response.lists : {};
    const list = isRecord(lists[SLIDING_LIST_NAME]) ? lists[SLIDING_LIST_NAME] : {};
    const count = typeof list.count === 'number' ? list.count : (this.count ?? 0);
    const windowIds = roomIdsOfOps(list.ops);

    // Rooms: names and membership of the window.
    const rooms = isRecord(response.rooms) ? response.rooms : {};
    const initialRooms = new Set<string>();
    for (const [roomId, raw] of Object.entries(rooms)) {
      try {
        if (!isRecord(raw)) continue;
        if (raw.initial === true) initialRooms.add(roomId);
        this.updateRoom(roomId, raw, batch);
      } catch (error) {
        this.reportError(error, `room ${roomId}`);
      }
    }
    for (const roomId of windowIds ?? []) {
      // Defensive: Synapse sends every room new to the connection in `rooms`; name it by ID.
      if (!this.rooms.has(roomId)) {
        const info: RoomInfo = { roomId, name: roomId };
        this.rooms.set(roomId, { fields: {}, info });
        batch.push({ kind: 'room-added', room: info });
      }
    }

    // Account data (MSC3959 extension).
    const extensions = isRecord(response.extensions) ? response.extensions : {};
    const accountData = isRecord(extensions.account_data) ? extensions.account_data : undefined;
    const globalEvents = parseAccountDataEvents(accountData?.global);
    if (isSnapshot) {
      if (accountData && Array.isArray(accountData.global)) {
        // No-pos reply: every global type (docs/protocol.md §4.3); anything missing is gone. A
        // server without MSC3391 keeps `{}` rows and sends them here; they go to `deleted` (§3).
        batch.push({ kind: 'global-snapshot', ...toSnapshot(globalEvents) });
      } else {
        this.reportError(new Error('snapshot reply without global account data'), 'account_data');
      }
    } else {
      batch.push(...toDeltas({ kind: 'global' }, globalEvents));
    }
    const roomData = accountData && isRecord(accountData.rooms) ? accountData.rooms : {};
    for (const roomId of new Set([...initialRooms, ...Object.keys(roomData)])) {
      try {
        const events = parseAccountDataEvents(roomData[roomId]);
        if (initialRooms.has(roomId)) {
          // First send on this connection: the room's full data. Synapse includes deleted types
          // as `{}` here (docs/protocol.md §3), which go to `deleted`.
          const { data, deleted } = toSnapshot(events);
          batch.push({ kind: 'room-snapshot', roomId, data, deleted });
          this.covered.add(roomId);
        } else {
          batch.push(...toDeltas({ kind: 'room', roomId }, events));
        }
      } catch (error) {
        this.reportError(error, `room account data ${roomId}`);
      }
    }
    // MSC4331 device updates (our choice of field, docs/protocol.md §5): always deltas.
    batch.push(...toDeviceDeltas(accountData));
    // Our own device list changed (e2ee extension, docs/protocol.md §4.7).
    const e2ee = isRecord(extensions.e2ee) ? extensions.e2ee : undefined;
    if (namesUser(e2ee?.device_lists, this.client.userId)) batch.push({ kind: 'device-list-changed' });

    // Rooms that left the list — only decidable when the requested window covered all of it.
    const isCoveringReply = requestWindowEnd >= count - 1;
    if (windowIds && isCoveringReply) {
      const present = new Set(windowIds);
      for (const roomId of [...this.rooms.keys()]) {
        if (!present.has(roomId)) {
          this.rooms.delete(roomId);
          this.covered.delete(roomId);
          batch.push({ kind: 'room-removed', roomId });
        }
      }
    }

    // Commit, then plan the next window.
    this.currentPos = response.pos;
    this.count = count;
    if (requestWindowEnd < count - 1) {
      const next = requestWindowEnd + this.step();
      this.windowEnd = next >= count - 1 ? count - 1 + (this.options.windowHeadroom ?? 20) : next;
    }
    this.isLastReplyCovering = isCoveringReply && this.windowEnd >= count - 1;
    if (isCoveringReply && !this.isInitialComplete) {
      this.isInitialComplete = true;
      batch.push({ kind: 'initial-complete', roomCount: this.rooms.size });
    }
    this.setStatus(
      this.isInitialComplete
        ? { state: 'live' }
        : {
            state: 'loading',
            roomsLoaded: this.covered.size,
            roomsTotal: count,
            requesting: Math.min(this.windowEnd + 1, count),
            since: this.now(),
          },
      batch,
    );
    return batch;
  }

  private step(): number {
    return Math.max(1, Math.min(this.options.windowStep ?? Infinity, this.stepAfterTimeout ?? Infinity));
  }

  /** Merges one room's fields (missing + not `initial` = unchanged, docs/protocol.md §4.2). */
  private updateRoom(roomId: string, raw: Record<string, unknown>, batch: SyncEvent[]): void {
    const prev = this.rooms.get(roomId);
    const fields: RoomState['fields'] = raw.initial === true || !prev ? {} : { ...prev.fields };
    if (typeof raw.name === 'string') fields.name = raw.name;
    if (Array.isArray(raw.heroes)) fields.heroes = parseHeroes(raw.heroes);
    if (typeof raw.joined_count === 'number') fields.joinedCount = raw.joined_count;
    if (typeof raw.invited_count === 'number') fields.invitedCount = raw.invited_count;
    if (typeof raw.is_dm === 'boolean') fields.isDm = raw.is_dm;
    if (Array.isArray(raw.required_state)) {
      for (const ev of raw.required_state as unknown[]) {
        if (!isRecord(ev) || !isRecord(ev.content)) continue;
        if (ev.type === 'm.room.member' && ev.state_key === this.client.userId) {
          if (raw.initial !== true && prev) this.isRepollNeeded = true;
          continue;
        }
        if (ev.state_key !== '') continue;
        if (ev.type === 'm.room.canonical_alias') {
          const alias = ev.content.alias;
          if (typeof alias === 'string' && alias !== '') fields.canonicalAlias = alias;
          else delete fields.canonicalAlias;
        } else if (ev.type === 'm.room.name') {
          const name = ev.content.name;
          if (typeof name === 'string' && name !== '') fields.name = name;
          else delete fields.name;
        }
      }
    }
    const info: RoomInfo = {
      roomId,
      name: computeRoomDisplayName(fields),
      ...(fields.canonicalAlias ? { canonicalAlias: fields.canonicalAlias } : {}),
      ...(fields.isDm === undefined ? {} : { isDm: fields.isDm }),
    };
    this.rooms.set(roomId, { fields, info });
    if (!prev) batch.push({ kind: 'room-added', room: info });
    else if (JSON.stringify(prev.info) !== JSON.stringify(info))
      batch.push({ kind: 'room-updated', room: info });
  }
}

/** Room IDs of `ops[].room_ids` (SYNC ops), or undefined when the reply has no ops. */
function roomIdsOfOps(ops: unknown): string[] | undefined {
  if (!Array.isArray(ops)) return undefined;
  const ids: string[] = [];
  for (const op of ops as unknown[]) {
    if (isRecord(op) && Array.isArray(op.room_ids)) {
      for (const id of op.room_ids as unknown[]) if (typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}

function parseHeroes(raw: unknown[]): Hero[] {
  const heroes: Hero[] = [];
  for (const h of raw) {
    if (isRecord(h) && typeof h.user_id === 'string') {
      heroes.push({
        user_id: h.user_id,
        ...(typeof h.displayname === 'string' ? { displayname: h.displayname } : {}),
      });
    }
  }
  return heroes;
}

/** A short random ID; `crypto.randomUUID` needs a secure context, so fall back to Math.random. */
export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID().replace(/-/g, '').slice(0, 16);
  return Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 10);
}
