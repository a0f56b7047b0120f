/**
 * Per-device account data, both kinds (docs/protocol.md §5), as pure functions shared by the app
 * and the CLI:
 *
 * - the older convention of per-device types inside **global** account data
 *   (`<prefix><deviceId>`, e.g. `io.element.matrix_client_information.ABCDEF`): grouping them by
 *   device, and finding **orphans** whose device is no longer in `GET /devices`;
 * - the **MSC4331** catalogue: the types the app looks up on every device, because no endpoint
 *   lists a device's types.
 */
import { isRecord } from './json.ts';
import { KNOWN_TYPES, perDeviceSuffix } from './known-types.ts';

/**
 * What the app and the CLI say, once, when the server answers `404 M_UNRECOGNIZED` on both MSC4331
 * paths (docs/protocol.md §5).
 */
export const DEVICE_DATA_UNSUPPORTED = 'Device account data: not supported by this server';

/**
 * MSC4331 per-device types looked up on every device: the base names of the per-device global
 * prefixes of the catalogue (docs/protocol.md §8) without their trailing dot —
 * `io.element.matrix_client_information`, `m.local_notification_settings`,
 * `org.matrix.msc3890.local_notification_settings` — which are what a client moving to MSC4331
 * would store per device.
 */
export const PER_DEVICE_CATALOGUE: readonly string[] = Object.freeze(
  KNOWN_TYPES.filter((k) => k.isPerDevice === true && k.isPrefix === true)
    .map((k) => (k.type.endsWith('.') ? k.type.slice(0, -1) : k.type))
    .sort(),
);

/**
 * Global per-device types grouped by the device ID of their suffix (`perDeviceSuffix`); types of
 * one device sorted. Other types are left out. Devices appear in the order first met.
 */
export function perDeviceEntriesOf(types: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const type of new Set(types)) {
    const split = perDeviceSuffix(type);
    if (!split) continue;
    const list = out.get(split.deviceId);
    if (list) list.push(type);
    else out.set(split.deviceId, [type]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * Orphans: the per-device types among `liveGlobalTypes` (pass live entries only; a tombstone is
 * not an orphan) whose device ID is not in `deviceIds` (the IDs of `GET /devices`). Sorted.
 */
export function findOrphans(
  liveGlobalTypes: Iterable<string>,
  deviceIds: ReadonlySet<string> | Iterable<string>,
): string[] {
  const known: ReadonlySet<string> = deviceIds instanceof Set ? deviceIds : new Set(deviceIds);
  const orphans: string[] = [];
  for (const [deviceId, types] of perDeviceEntriesOf(liveGlobalTypes)) {
    if (!known.has(deviceId)) orphans.push(...types);
  }
  return orphans.sort();
}

/** What `io.element.matrix_client_information` says about a client (docs/protocol.md §5). */
export type ClientInformation = { name?: string; version?: string; url?: string };

/**
 * Reads `io.element.matrix_client_information` content safely: only string `name`, `version` and
 * `url` are taken; anything else (missing, wrong type, not an object) is left out.
 */
export function clientInformationOf(content: unknown): ClientInformation {
  if (!isRecord(content)) return {};
  const info: ClientInformation = {};
  if (typeof content.name === 'string') info.name = content.name;
  if (typeof content.version === 'string') info.version = content.version;
  if (typeof content.url === 'string') info.url = content.url;
  return info;
}
