/**
 * Output shaping for the CLI: folding sync events into the `dump` document, and one JSON object per
 * change for `watch`.
 */
import type { SyncEngineKind } from '../matrix/sync/create-sync.ts';
import type { JsonObject, SyncEvent } from '../matrix/types.ts';
import { jsonEqual } from '../matrix/json.ts';

/** The `dump` document. Keys are sorted so dumps diff cleanly. */
export type DumpDocument = {
  global: Record<string, JsonObject>;
  rooms: Record<string, Record<string, JsonObject>>;
  /** deviceId → type → content (MSC4331); `{}` per device when nothing was read. */
  devices: Record<string, Record<string, JsonObject>>;
  meta: {
    homeserver: string;
    user_id: string;
    sync: SyncEngineKind;
    room_names: Record<string, string>;
  };
  /** Caveats about completeness (unsupported features, left rooms…). */
  notes: string[];
};

/** Folds sync batches into the current account data, as a consumer cache would. */
export class AccountDataCollector {
  readonly global = new Map<string, JsonObject>();
  readonly rooms = new Map<string, Map<string, JsonObject>>();
  readonly roomNames = new Map<string, string>();

  apply(batch: readonly SyncEvent[]): void {
    for (const event of batch) {
      switch (event.kind) {
        case 'global-snapshot':
          this.global.clear();
          for (const [type, content] of Object.entries(event.data)) this.global.set(type, content);
          break;
        case 'room-snapshot':
          this.rooms.set(event.roomId, new Map(Object.entries(event.data)));
          break;
        case 'changed':
          if (event.scope.kind === 'global') this.global.set(event.type, event.content);
          else if (event.scope.kind === 'room')
            this.roomMap(event.scope.roomId).set(event.type, event.content);
          break;
        case 'deleted':
          if (event.scope.kind === 'global') this.global.delete(event.type);
          else if (event.scope.kind === 'room') this.rooms.get(event.scope.roomId)?.delete(event.type);
          break;
        case 'room-added':
        case 'room-updated':
          this.roomNames.set(event.room.roomId, event.room.name);
          if (!this.rooms.has(event.room.roomId)) this.rooms.set(event.room.roomId, new Map());
          break;
        case 'room-removed':
          this.rooms.delete(event.roomId);
          this.roomNames.delete(event.roomId);
          break;
        case 'initial-complete':
        case 'status':
          break;
      }
    }
  }

  private roomMap(roomId: string): Map<string, JsonObject> {
    let map = this.rooms.get(roomId);
    if (!map) {
      map = new Map();
      this.rooms.set(roomId, map);
    }
    return map;
  }
}

/** Builds the `dump` document from collected data. */
export function buildDumpDocument(args: {
  collector: AccountDataCollector;
  devices: Record<string, Record<string, JsonObject>>;
  meta: Omit<DumpDocument['meta'], 'room_names'>;
  notes: string[];
}): DumpDocument {
  const { collector } = args;
  const rooms: Record<string, Record<string, JsonObject>> = {};
  for (const roomId of [...collector.rooms.keys()].sort()) {
    rooms[roomId] = sortedObject(collector.rooms.get(roomId) ?? new Map<string, JsonObject>());
  }
  const roomNames: Record<string, string> = {};
  for (const roomId of [...collector.roomNames.keys()].sort())
    roomNames[roomId] = collector.roomNames.get(roomId) ?? '';
  const devices: Record<string, Record<string, JsonObject>> = {};
  for (const deviceId of Object.keys(args.devices).sort()) devices[deviceId] = args.devices[deviceId] ?? {};
  return {
    global: sortedObject(collector.global),
    rooms,
    devices,
    meta: { ...args.meta, room_names: roomNames },
    notes: args.notes,
  };
}

function sortedObject(map: ReadonlyMap<string, JsonObject>): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const key of [...map.keys()].sort()) {
    const value = map.get(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * One `watch` line (as an object) for an event, or null when the event is not printed. Snapshots
 * are printed only when `isInitialIncluded`; room-set changes only after the initial coverage.
 */
export function watchRecord(
  event: SyncEvent,
  state: { isInitialComplete: boolean; isInitialIncluded: boolean },
): Record<string, unknown> | null {
  switch (event.kind) {
    case 'changed':
    case 'deleted': {
      const scope =
        event.scope.kind === 'global'
          ? { scope: 'global' }
          : event.scope.kind === 'room'
            ? { scope: 'room', room_id: event.scope.roomId }
            : { scope: 'device', device_id: event.scope.deviceId };
      return event.kind === 'changed'
        ? { event: 'changed', ...scope, type: event.type, content: event.content }
        : { event: 'deleted', ...scope, type: event.type };
    }
    case 'global-snapshot':
      return state.isInitialIncluded ? { event: 'snapshot', scope: 'global', data: event.data } : null;
    case 'room-snapshot':
      return state.isInitialIncluded
        ? { event: 'snapshot', scope: 'room', room_id: event.roomId, data: event.data }
        : null;
    case 'room-added':
    case 'room-updated':
      return state.isInitialComplete || state.isInitialIncluded
        ? { event: event.kind, room_id: event.room.roomId, name: event.room.name }
        : null;
    case 'room-removed':
      return state.isInitialComplete || state.isInitialIncluded
        ? { event: 'room-removed', room_id: event.roomId }
        : null;
    case 'initial-complete':
      return state.isInitialIncluded ? { event: 'initial-complete', room_count: event.roomCount } : null;
    case 'status':
      return null;
  }
}

/**
 * Drops repeats from `watch`: Synapse may deliver the same account-data value more than once (it
 * re-emits unchanged content, and a re-sent position replays its delta), and a watch log should
 * show each change once. Snapshots seed what is known; a change equal to the known value, or a
 * deletion of something already deleted, is a repeat.
 */
export class WatchDeduper {
  private readonly known = new Map<string, JsonObject | null>();

  private static key(scope: string, type: string): string {
    return `${scope}\u0000${type}`;
  }

  /** Feeds one event; returns true when it repeats what was already reported or known. */
  isRepeat(event: SyncEvent): boolean {
    switch (event.kind) {
      case 'global-snapshot':
        for (const [type, content] of Object.entries(event.data))
          this.known.set(WatchDeduper.key('global', type), content);
        return false;
      case 'room-snapshot': {
        for (const [type, content] of Object.entries(event.data)) {
          this.known.set(WatchDeduper.key(`room:${event.roomId}`, type), content);
        }
        for (const type of event.deleted)
          this.known.set(WatchDeduper.key(`room:${event.roomId}`, type), null);
        return false;
      }
      case 'changed':
      case 'deleted': {
        const scope =
          event.scope.kind === 'global'
            ? 'global'
            : event.scope.kind === 'room'
              ? `room:${event.scope.roomId}`
              : `device:${event.scope.deviceId}`;
        const key = WatchDeduper.key(scope, event.type);
        const next = event.kind === 'changed' ? event.content : null;
        const previous = this.known.get(key);
        this.known.set(key, next);
        if (previous === undefined) return false;
        return next === null ? previous === null : previous !== null && jsonEqual(previous, next);
      }
      default:
        return false;
    }
  }
}
