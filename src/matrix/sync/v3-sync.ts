/**
 * `/v3/sync` fallback for servers without sliding sync (docs/protocol.md §4.6), emitting the same
 * `SyncEvent`s as the sliding engine.
 *
 * Phases: an initial sync (no `since`) lists every joined room with its account data → snapshot
 * (`global-snapshot`, `room-added` + `room-snapshot` per room, `initial-complete`); then
 * long-polls with `since=<next_batch>` for deltas. The filter (see {@link accountDataFilter})
 * drops presence and ephemeral events, keeps one membership/naming event per room in the timeline,
 * limits state to the naming events, and sets `lazy_load_members` so Synapse adds the room
 * `summary` (heroes as user IDs, member counts) — enough for the display-name algorithm.
 *
 * Synapse caches identical `/sync` requests for 2 minutes after completion (docs/protocol.md §0): the
 * initial sync uses a random `timeout` (Synapse never waits without `since`), and a request whose
 * `(since, timeout)` was completed within the cache window gets its timeout nudged by 1 ms.
 * `set_presence=offline` keeps the inspector from marking the user online. Note that `/v3/sync`
 * drains this device's to-device queue, so the session should be the inspector's own device.
 *
 * MSC4331 device updates under `account_data.devices` (our choice of field, docs/protocol.md §5)
 * become device-scoped deltas. The top-level `device_lists` (incremental syncs only; no filter
 * removes it) naming the user becomes `device-list-changed` (docs/protocol.md §4.7).
 */
import { V3_SYNC_PATH } from '../endpoints.ts';
import { MatrixResponseError } from '../errors.ts';
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
import { computeRoomDisplayName, type RoomNameInputs } from './room-names.ts';

/** Options of {@link V3SyncEngine}. */
export type V3SyncOptions = SyncEngineOptions & {
  /** Fetch `m.room.name`/`m.room.canonical_alias` and the summary to name rooms. Default true. */
  includeRoomNames?: boolean;
};

/** Synapse's `sync_response_cache_duration` default plus a margin (docs/protocol.md §0). */
const RESPONSE_CACHE_MS = 130_000;

/** State events used to name rooms; `m.room.create` makes a newly joined room non-empty. */
const NAMING_STATE = ['m.room.name', 'm.room.canonical_alias', 'm.room.create'];

/**
 * The account-data filter (docs/protocol.md §4.6).
 *
 * With `includeRoomNames` (the default) the timeline keeps the last membership/naming event of each
 * room. Observed on Synapse 1.160: with `timeline: {limit: 0, types: []}` a room entry whose events
 * were all filtered out is dropped from incremental syncs, so newly joined rooms can be missed, a
 * later `m.room.name` is lost (an empty, unlimited timeline carries no state delta), and leaves are
 * not reported at all. One matching event per room keeps all three visible at little cost.
 * Without it, the filter is the minimal one of §4.6: rooms appear by ID when they have account data.
 */
export function accountDataFilter(includeRoomNames: boolean): Record<string, unknown> {
  return {
    presence: { types: [] },
    account_data: {},
    room: {
      include_leave: false,
      timeline: includeRoomNames
        ? { limit: 1, types: ['m.room.member', ...NAMING_STATE] }
        : { limit: 0, types: [] },
      state: includeRoomNames ? { types: NAMING_STATE, lazy_load_members: true } : { types: [] },
      ephemeral: { types: [] },
      account_data: {},
    },
  };
}

type RoomState = { fields: RoomNameInputs; info: RoomInfo };

/** Extra client-side time for the first `/v3/sync`, which carries every joined room (issue #13). */
export const INITIAL_SYNC_ALLOWANCE_MS = 270_000;

/** `/v3/sync` implementation of `AccountDataSync`. */

export class V3SyncEngine extends SyncEngineBase {
  private readonly options: V3SyncOptions;
  private readonly filterJson: string;
  private since: string | undefined;
  private readonly rooms = new Map<string, RoomState>();
  /** Completed `(since, timeout)` keys → completion time, to dodge the response cache. */
  private readonly recent = new Map<string, number>();
  private inFlight: { since: string | undefined; key: string } = { since: undefined, key: '' };

  constructor(client: SyncTransport, options: V3SyncOptions = {}) {
    super(client, options);
    this.options = options;
    this.filterJson = JSON.stringify(accountDataFilter(options.includeRoomNames ?? true));
  }

  /** The current `next_batch` token. */
  get pos(): string | undefined {
    return this.since;
  }

  /** The joined rooms currently known, with display names. */
  get knownRooms(): RoomInfo[] {
    return [...this.rooms.values()].map((r) => r.info);
  }

  protected override request(signal: AbortSignal, immediate: boolean): Promise<unknown> {
    const random = this.baseOptions.random ?? Math.random;
    const now = this.now();
    for (const [key, at] of this.recent) if (now - at > RESPONSE_CACHE_MS) this.recent.delete(key);
    let timeout =
      this.since === undefined ? 1 + Math.floor(random() * 9_999) : immediate ? 0 : this.pollTimeoutMs();
    while (this.recent.has(`${this.since ?? ''}|${timeout}`)) timeout += 1;
    this.inFlight = { since: this.since, key: `${this.since ?? ''}|${timeout}` };
    return this.client.request('GET', V3_SYNC_PATH, {
      query: { filter: this.filterJson, timeout, since: this.since, set_presence: 'offline' },
      signal,
      // A first sync answers with every joined room: on a big account the server needs minutes.
      timeoutMs: this.requestTimeoutMs(timeout) + (this.since === undefined ? INITIAL_SYNC_ALLOWANCE_MS : 0),
      maxRateLimitRetries: 0,
    });
  }

  protected override hasPosition(): boolean {
    return this.since !== undefined;
  }

  protected override resetPosition(): boolean {
    if (this.since === undefined) return false;
    this.since = undefined;
    return true;
  }

  protected override process(response: unknown): SyncEvent[] {
    if (!isRecord(response) || typeof response.next_batch !== 'string') {
      throw new MatrixResponseError({
        method: 'GET',
        path: V3_SYNC_PATH,
        status: 200,
        detail: '/sync reply without next_batch',
      });
    }
    const isSnapshot = this.inFlight.since === undefined;
    const batch: SyncEvent[] = [];
    const globalEvents = parseAccountDataEvents(
      isRecord(response.account_data) ? response.account_data.events : undefined,
    );
    // Initial /sync leaves out `{}` rows with MSC3391 on and includes them with it off (§3): those
    // go to the snapshot's `deleted`, so a "deleted by `PUT {}`" type stays visible.
    if (isSnapshot) batch.push({ kind: 'global-snapshot', ...toSnapshot(globalEvents) });
    else batch.push(...toDeltas({ kind: 'global' }, globalEvents));
    batch.push(...toDeviceDeltas(response.account_data));

    const rooms = isRecord(response.rooms) ? response.rooms : {};
    const joined = isRecord(rooms.join) ? rooms.join : {};
    for (const [roomId, raw] of Object.entries(joined)) {
      try {
        if (!isRecord(raw)) continue;
        this.updateRoom(roomId, raw, isSnapshot, batch);
        const events = parseAccountDataEvents(
          isRecord(raw.account_data) ? raw.account_data.events : undefined,
        );
        if (isSnapshot) {
          // Initial /sync leaves out `{}` rows with MSC3391 on, includes them with it off (§3).
          const { data, deleted } = toSnapshot(events);
          batch.push({ kind: 'room-snapshot', roomId, data, deleted });
        } else {
          batch.push(...toDeltas({ kind: 'room', roomId }, events));
        }
      } catch (error) {
        this.reportError(error, `room ${roomId}`);
      }
    }
    const gone = isSnapshot
      ? [...this.rooms.keys()].filter((id) => !Object.hasOwn(joined, id))
      : Object.keys(isRecord(rooms.leave) ? rooms.leave : {}).filter((id) => this.rooms.has(id));
    for (const roomId of gone) {
      this.rooms.delete(roomId);
      batch.push({ kind: 'room-removed', roomId });
    }
    if (namesUser(response.device_lists, this.client.userId)) batch.push({ kind: 'device-list-changed' });

    this.recent.set(this.inFlight.key, this.now());
    this.since = response.next_batch;
    if (isSnapshot) batch.push({ kind: 'initial-complete', roomCount: this.rooms.size });
    this.setStatus({ state: 'live' }, batch);
    return batch;
  }

  private updateRoom(
    roomId: string,
    raw: Record<string, unknown>,
    isSnapshot: boolean,
    batch: SyncEvent[],
  ): void {
    const prev = this.rooms.get(roomId);
    const fields: RoomNameInputs = isSnapshot || !prev ? {} : { ...prev.fields };
    const summary = isRecord(raw.summary) ? raw.summary : {};
    const heroes = summary['m.heroes'];
    if (Array.isArray(heroes)) {
      fields.heroes = (heroes as unknown[])
        .filter((h): h is string => typeof h === 'string')
        .map((user_id) => ({ user_id }));
    }
    if (typeof summary['m.joined_member_count'] === 'number')
      fields.joinedCount = summary['m.joined_member_count'];
    if (typeof summary['m.invited_member_count'] === 'number')
      fields.invitedCount = summary['m.invited_member_count'];
    // State at the timeline's start, then state events inside the timeline, in order.
    const state = [...eventsOf(raw.state), ...eventsOf(raw.timeline)];
    for (const ev of state) {
      if (!isRecord(ev) || ev.state_key !== '' || !isRecord(ev.content)) continue;
      if (ev.type === 'm.room.name') {
        const name = ev.content.name;
        if (typeof name === 'string' && name !== '') fields.name = name;
        else delete fields.name;
      } else if (ev.type === 'm.room.canonical_alias') {
        const alias = ev.content.alias;
        if (typeof alias === 'string' && alias !== '') fields.canonicalAlias = alias;
        else delete fields.canonicalAlias;
      }
    }
    const hasNameData = this.options.includeRoomNames !== false;
    const info: RoomInfo = {
      roomId,
      name: hasNameData ? computeRoomDisplayName(fields) : roomId,
      ...(fields.canonicalAlias ? { canonicalAlias: fields.canonicalAlias } : {}),
    };
    this.rooms.set(roomId, { fields, info });
    if (!prev) batch.push({ kind: 'room-added', room: info });
    else if (JSON.stringify(prev.info) !== JSON.stringify(info))
      batch.push({ kind: 'room-updated', room: info });
  }
}

function eventsOf(section: unknown): unknown[] {
  return isRecord(section) && Array.isArray(section.events) ? (section.events as unknown[]) : [];
}
