import { describe, expect, it } from 'vitest';
import {
  countLabel,
  parseReceivedRecord,
  parseTransaction,
  STABLE_ACCOUNT_DATA_FIELD,
  UNSTABLE_ACCOUNT_DATA_FIELD,
  type ReceivedRecord,
} from './transaction.ts';

const AT = Date.UTC(2026, 0, 2, 3, 4, 5);
const ALICE = '@_inspector_alice:localhost:8008';
const BOB = '@_inspector_bob:localhost:8008';
const record = (body: unknown, txnId = '17'): ReceivedRecord => ({ txnId, receivedAt: AT, body });

/** A room message as Synapse 1.160's `push_bulk` serialises it (client format v1). */
const MESSAGE = {
  type: 'm.room.message',
  room_id: '!QtykxKocfZaZOUrTwp:localhost:8008',
  sender: '@e2e-lz3k-9f2a1b:localhost:8008',
  content: { msgtype: 'm.text', body: 'hello, bridge' },
  event_id: '$2Ew5Ppq3gmP0a4TPkgBx5pFtfW6Yc3ZcXjJkH8rGxvE',
  origin_server_ts: AT - 40,
  unsigned: { age: 38 },
  user_id: '@e2e-lz3k-9f2a1b:localhost:8008',
  age: 38,
};
const MEMBER = {
  type: 'm.room.member',
  room_id: '!QtykxKocfZaZOUrTwp:localhost:8008',
  sender: '@e2e-lz3k-9f2a1b:localhost:8008',
  state_key: ALICE,
  content: { membership: 'invite', displayname: '_inspector_alice' },
  event_id: '$z0x9Tq1m1yqkTqFj0HtqYpI8b3L8RzK3tUo7rI8kP3A',
  origin_server_ts: AT - 90,
  unsigned: { age: 88 },
};
const RECEIPT = {
  type: 'm.receipt',
  room_id: '!QtykxKocfZaZOUrTwp:localhost:8008',
  content: { [MESSAGE.event_id]: { 'm.read': { [ALICE]: { ts: AT - 10 } } } },
};

describe('parseTransaction: real Synapse 1.160 transactions (no MSC3682)', () => {
  it('reads a plain transaction: events only, no account data', () => {
    const parsed = parseTransaction(record({ events: [MEMBER, MESSAGE] }));
    expect(parsed).toEqual({
      txnId: '17',
      receivedAt: AT,
      eventCount: 2,
      accountData: null,
      otherFields: [],
      notes: [],
    });
  });

  it('counts ephemeral and to-device events of a receive_ephemeral registration', () => {
    // supports_ephemeral and supports_unstable_ephemeral both on: Synapse sends the list twice.
    const parsed = parseTransaction(
      record({
        events: [],
        ephemeral: [RECEIPT],
        'de.sorunome.msc2409.ephemeral': [RECEIPT],
        'de.sorunome.msc2409.to_device': [],
      }),
    );
    expect(parsed.eventCount).toBe(0);
    expect(parsed.ephemeralCount).toBe(1);
    expect(parsed.toDeviceCount).toBe(0);
    expect(parsed.accountData).toBeNull();
    expect(parsed.otherFields).toEqual([]);
  });

  it('reads the unstable MSC2409 ephemeral field alone', () => {
    const parsed = parseTransaction(
      record({ events: [MESSAGE], 'de.sorunome.msc2409.ephemeral': [RECEIPT, RECEIPT] }),
    );
    expect(parsed.ephemeralCount).toBe(2);
    expect(parsed.toDeviceCount).toBeUndefined();
  });

  it('lists the MSC3202 extension fields it does not interpret', () => {
    const parsed = parseTransaction(
      record({
        events: [MESSAGE],
        'org.matrix.msc3202.device_one_time_key_counts': { [ALICE]: { ABCDEFGH: { signed_curve25519: 50 } } },
        'org.matrix.msc3202.device_one_time_keys_count': { [ALICE]: { ABCDEFGH: { signed_curve25519: 50 } } },
        'org.matrix.msc3202.device_unused_fallback_key_types': {
          [ALICE]: { ABCDEFGH: ['signed_curve25519'] },
        },
        'org.matrix.msc3202.device_lists': { changed: [BOB], left: [] },
      }),
    );
    expect(parsed.accountData).toBeNull();
    expect(parsed.otherFields).toEqual([
      'org.matrix.msc3202.device_lists',
      'org.matrix.msc3202.device_one_time_key_counts',
      'org.matrix.msc3202.device_one_time_keys_count',
      'org.matrix.msc3202.device_unused_fallback_key_types',
    ]);
    expect(parsed.notes).toEqual([]);
  });
});

describe('parseTransaction: MSC3682 account data (synthetic)', () => {
  const directContent = { [BOB]: ['!dm:localhost:8008'] };

  it('reads the unstable field per user, in order', () => {
    const parsed = parseTransaction(
      record({
        events: [],
        [UNSTABLE_ACCOUNT_DATA_FIELD]: {
          [ALICE]: {
            events: [
              { type: 'm.direct', content: directContent },
              { type: 'im.vector.setting.breadcrumbs', content: { recent_rooms: [] } },
            ],
          },
          [BOB]: { events: [{ type: 'm.push_rules', content: { global: {} } }] },
        },
      }),
    );
    expect(parsed.notes).toEqual([]);
    expect([...(parsed.accountData?.entries() ?? [])]).toEqual([
      [
        ALICE,
        {
          field: UNSTABLE_ACCOUNT_DATA_FIELD,
          events: [
            { type: 'm.direct', content: directContent },
            { type: 'im.vector.setting.breadcrumbs', content: { recent_rooms: [] } },
          ],
        },
      ],
      [
        BOB,
        { field: UNSTABLE_ACCOUNT_DATA_FIELD, events: [{ type: 'm.push_rules', content: { global: {} } }] },
      ],
    ]);
  });

  it('reads the stable field and says so', () => {
    const parsed = parseTransaction(
      record({ events: [], account_data: { [ALICE]: { events: [{ type: 'm.direct', content: {} }] } } }),
    );
    expect(parsed.accountData?.get(ALICE)).toEqual({
      field: STABLE_ACCOUNT_DATA_FIELD,
      events: [{ type: 'm.direct', content: {} }],
    });
    expect(parsed.otherFields).toEqual([]);
  });

  it('prefers the unstable field when both carry a user, and takes the others from the stable one', () => {
    const parsed = parseTransaction(
      record({
        events: [],
        [UNSTABLE_ACCOUNT_DATA_FIELD]: {
          [ALICE]: { events: [{ type: 'a', content: { from: 'unstable' } }] },
        },
        account_data: {
          [ALICE]: { events: [{ type: 'a', content: { from: 'stable' } }] },
          [BOB]: { events: [{ type: 'b', content: { from: 'stable' } }] },
        },
      }),
    );
    expect(parsed.accountData?.get(ALICE)).toEqual({
      field: UNSTABLE_ACCOUNT_DATA_FIELD,
      events: [{ type: 'a', content: { from: 'unstable' } }],
    });
    expect(parsed.accountData?.get(BOB)?.field).toBe(STABLE_ACCOUNT_DATA_FIELD);
  });

  it('falls back to the stable field for a user whose unstable entry is malformed', () => {
    const parsed = parseTransaction(
      record({
        [UNSTABLE_ACCOUNT_DATA_FIELD]: { [ALICE]: { events: 'nope' } },
        account_data: { [ALICE]: { events: [{ type: 'a', content: {} }] } },
      }),
    );
    expect(parsed.accountData?.get(ALICE)?.field).toBe(STABLE_ACCOUNT_DATA_FIELD);
    expect(parsed.notes).toEqual([
      `\`${UNSTABLE_ACCOUNT_DATA_FIELD}\` → ${ALICE}: no \`events\` list; skipped.`,
    ]);
    expect(parsed.eventCount).toBe(0);
  });

  it('an empty field is account data with no users, not "no account data"', () => {
    const parsed = parseTransaction(record({ events: [], [UNSTABLE_ACCOUNT_DATA_FIELD]: {} }));
    expect(parsed.accountData).toEqual(new Map());
  });
});

describe('parseTransaction: malformed parts are skipped with a note', () => {
  it('skips bad users and events and keeps the good ones', () => {
    const parsed = parseTransaction(
      record({
        events: [MESSAGE],
        [UNSTABLE_ACCOUNT_DATA_FIELD]: {
          'not-a-user': { events: [] },
          [BOB]: ['m.direct'],
          [ALICE]: {
            events: [
              'm.direct',
              { content: {} },
              { type: 'm.direct', content: 'x' },
              { type: 'm.tag', content: [1] },
              { type: 'ok', content: { fine: true } },
            ],
          },
        },
      }),
    );
    expect([...(parsed.accountData?.keys() ?? [])]).toEqual([ALICE]);
    expect(parsed.accountData?.get(ALICE)?.events).toEqual([{ type: 'ok', content: { fine: true } }]);
    const where = `\`${UNSTABLE_ACCOUNT_DATA_FIELD}\``;
    expect(parsed.notes).toEqual([
      `${where} → not-a-user: not a user ID; skipped.`,
      `${where} → ${BOB}: no \`events\` list; skipped.`,
      `${where} → ${ALICE}: event 1 has no \`type\`; skipped.`,
      `${where} → ${ALICE}: event 2 has no \`type\`; skipped.`,
      `${where} → ${ALICE}: m.direct has no JSON object \`content\`; skipped.`,
      `${where} → ${ALICE}: m.tag has no JSON object \`content\`; skipped.`,
    ]);
  });

  it('ignores a field that is not an object of users', () => {
    const parsed = parseTransaction(record({ events: {}, account_data: [1, 2], ephemeral: 'x' }));
    expect(parsed.accountData).toEqual(new Map());
    expect(parsed.eventCount).toBe(0);
    expect(parsed.ephemeralCount).toBe(0);
    expect(parsed.notes).toEqual([
      '`events` is not a list; not counted.',
      '`account_data` is not an object of users; ignored.',
      '`ephemeral` is not a list; not counted.',
    ]);
  });

  it.each([null, 'text', 42, [1]])('survives a body that is not an object (%j)', (body) => {
    expect(parseTransaction(record(body))).toEqual({
      txnId: '17',
      receivedAt: AT,
      eventCount: 0,
      accountData: null,
      otherFields: [],
      notes: ['The transaction body is not a JSON object.'],
    });
  });
});

describe('parseReceivedRecord', () => {
  it('reads what the receiver streams', () => {
    expect(parseReceivedRecord(JSON.stringify({ txnId: '5', receivedAt: AT, body: { events: [] } }))).toEqual(
      {
        txnId: '5',
        receivedAt: AT,
        body: { events: [] },
      },
    );
  });

  it.each(['not json', '[]', '{"receivedAt":1,"body":{}}', '{"txnId":"","receivedAt":1}', '{"txnId":"1"}'])(
    'refuses %s',
    (data) => {
      expect(parseReceivedRecord(data)).toBeNull();
    },
  );
});

it('countLabel', () => {
  expect(countLabel(1, 'event')).toBe('1 event');
  expect(countLabel(0, 'event')).toBe('0 events');
});
