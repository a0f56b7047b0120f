import { describe, expect, it } from 'vitest';
import { isJsonObject, jsonEqual } from './json.ts';
import {
  KNOWN_TYPES,
  describeType,
  isSecretType,
  isServerManaged,
  lookupKnownType,
  perDeviceSuffix,
  writeRoute,
} from './known-types.ts';
import { computeRoomDisplayName } from './sync/room-names.ts';

const global = { kind: 'global' } as const;
const room = { kind: 'room', roomId: '!r:x' } as const;
const device = { kind: 'device', deviceId: 'D' } as const;

describe('server-managed types (docs/protocol.md §2, §8 rule 3)', () => {
  it('refuses m.push_rules and m.fully_read in global and room scope, routes room m.tag', () => {
    expect(isServerManaged('m.push_rules', global)).toBe(true);
    expect(isServerManaged('m.push_rules', room)).toBe(true);
    expect(isServerManaged('m.fully_read', room)).toBe(true);
    expect(isServerManaged('m.tag', room)).toBe(true);
    expect(writeRoute('m.tag', room)).toEqual({ kind: 'tags' });
    expect(writeRoute('m.fully_read', room)).toMatchObject({
      kind: 'refuse',
      api: '/rooms/{roomId}/read_markers',
    });
    expect(writeRoute('m.push_rules', global)).toMatchObject({ kind: 'refuse', api: '/pushrules' });
  });

  it('leaves ordinary types, global m.tag and the device scope alone', () => {
    expect(isServerManaged('m.direct', global)).toBe(false);
    expect(isServerManaged('m.tag', global)).toBe(false);
    expect(isServerManaged('m.push_rules', device)).toBe(false);
  });
});

describe('writeRoute: per-device data of another device (MSC4331, docs/protocol.md §5)', () => {
  it('refuses another device’s scope with a title and a reason naming the device', () => {
    const route = writeRoute(
      'org.example.settings',
      { kind: 'device', deviceId: 'OTHER' },
      { ownDeviceId: 'ME' },
    );
    expect(route).toMatchObject({
      kind: 'refuse',
      api: 'device OTHER',
      title: "Read-only: another device's data",
    });
    if (route.kind !== 'refuse') throw new Error('expected a refusal');
    expect(route.reason).toContain('Only device OTHER can change its own account data');
    expect(route.reason).toContain('ME');
  });

  it('allows the own device, and any device while the writer’s device is unknown', () => {
    expect(
      writeRoute('org.example.settings', { kind: 'device', deviceId: 'ME' }, { ownDeviceId: 'ME' }),
    ).toEqual({
      kind: 'account-data',
    });
    expect(writeRoute('org.example.settings', device)).toEqual({ kind: 'account-data' });
    expect(writeRoute('org.example.settings', device, { ownDeviceId: undefined })).toEqual({
      kind: 'account-data',
    });
    // Device scope is not subject to the global/room server-managed rules.
    expect(writeRoute('m.push_rules', { kind: 'device', deviceId: 'ME' }, { ownDeviceId: 'ME' })).toEqual({
      kind: 'account-data',
    });
  });

  it('titles server-managed refusals as before, whatever the writer’s device', () => {
    expect(writeRoute('m.push_rules', global, { ownDeviceId: 'ME' })).toMatchObject({
      kind: 'refuse',
      title: 'Read-only: managed by the server',
    });
    expect(writeRoute('m.fully_read', room)).toMatchObject({ title: 'Read-only: managed by the server' });
    expect(writeRoute('org.example.settings', global, { ownDeviceId: 'ME' })).toEqual({
      kind: 'account-data',
    });
  });
});

describe('isSecretType (docs/protocol.md §8 rule 2)', () => {
  it('matches the secret prefixes', () => {
    for (const t of [
      'm.secret_storage.default_key',
      'm.secret_storage.key.abc',
      'm.cross_signing.master',
      'm.megolm_backup.v1',
      'org.matrix.msc3814',
    ]) {
      expect(isSecretType(t)).toBe(true);
    }
    expect(isSecretType('m.direct')).toBe(false);
  });

  it('matches any content with an encrypted object', () => {
    expect(
      isSecretType('org.example.vault', { encrypted: { k: { iv: 'a', ciphertext: 'b', mac: 'c' } } }),
    ).toBe(true);
    expect(isSecretType('org.example.vault', { encrypted: 'no' })).toBe(false);
    expect(isSecretType('org.example.vault', { other: 1 })).toBe(false);
  });
});

describe('perDeviceSuffix', () => {
  it('splits per-device global types', () => {
    expect(perDeviceSuffix('io.element.matrix_client_information.ABCDEF')).toEqual({
      prefix: 'io.element.matrix_client_information.',
      deviceId: 'ABCDEF',
    });
    expect(perDeviceSuffix('org.matrix.msc3890.local_notification_settings.DEV.1')?.deviceId).toBe('DEV.1');
    expect(perDeviceSuffix('m.local_notification_settings.X')?.deviceId).toBe('X');
    expect(perDeviceSuffix('io.element.matrix_client_information.')).toBeNull();
    expect(perDeviceSuffix('m.direct')).toBeNull();
  });
});

describe('catalogue', () => {
  it('describes exact and prefixed types', () => {
    expect(describeType('m.direct')).toMatch(/Direct-message/);
    expect(lookupKnownType('m.secret_storage.key.xyz')?.isSecret).toBe(true);
    expect(lookupKnownType('io.element.matrix_client_information.D')?.isPerDevice).toBe(true);
    expect(describeType('org.unknown')).toBeUndefined();
  });

  it('has unique entries, each with a description', () => {
    const names = KNOWN_TYPES.map((k) => k.type);
    expect(new Set(names).size).toBe(names.length);
    for (const k of KNOWN_TYPES) expect(k.description.length).toBeGreaterThan(5);
  });
});

describe('json helpers', () => {
  it('accepts only plain JSON objects', () => {
    expect(isJsonObject({ a: [1, { b: null }], c: 'x' })).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
    for (const bad of [
      null,
      [],
      'x',
      1,
      { a: Infinity },
      { a: () => 1 },
      { a: 1n },
      new Map(),
      { d: new Date() },
    ]) {
      expect(isJsonObject(bad)).toBe(false);
    }
  });

  it('compares structurally, ignoring key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});

describe('computeRoomDisplayName (docs/protocol.md §4.2)', () => {
  const hero = (name: string) => ({ user_id: `@${name.toLowerCase()}:x`, displayname: name });

  it('uses name, then canonical alias', () => {
    expect(computeRoomDisplayName({ name: 'Room', canonicalAlias: '#a:x' })).toBe('Room');
    expect(computeRoomDisplayName({ name: '', canonicalAlias: '#a:x' })).toBe('#a:x');
  });

  it('builds names from heroes', () => {
    expect(computeRoomDisplayName({ heroes: [hero('Alice')], joinedCount: 2 })).toBe('Alice');
    expect(computeRoomDisplayName({ heroes: [hero('Alice'), hero('Bob')], joinedCount: 3 })).toBe(
      'Alice and Bob',
    );
    expect(computeRoomDisplayName({ heroes: [hero('A'), hero('B'), hero('C')], joinedCount: 4 })).toBe(
      'A, B and C',
    );
    expect(computeRoomDisplayName({ heroes: [hero('A'), hero('B')], joinedCount: 8, invitedCount: 2 })).toBe(
      'A, B and 7 others',
    );
    expect(computeRoomDisplayName({ heroes: [hero('A')], joinedCount: 2, invitedCount: 1 })).toBe(
      'A and 1 other',
    );
    expect(computeRoomDisplayName({ heroes: [{ user_id: '@z:x' }], joinedCount: 2 })).toBe('@z:x');
  });

  it('falls back to Empty Room', () => {
    expect(computeRoomDisplayName({ joinedCount: 1 })).toBe('Empty Room');
    expect(computeRoomDisplayName({ heroes: [hero('A'), hero('B')], joinedCount: 1, invitedCount: 0 })).toBe(
      'Empty Room (was A and B)',
    );
  });
});
