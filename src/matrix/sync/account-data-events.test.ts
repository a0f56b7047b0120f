import { describe, expect, it } from 'vitest';
import { MSC4331_SYNC_FIELD, namesUser, parseDeviceAccountData } from './account-data-events.ts';

describe('parseDeviceAccountData (MSC4331 in sync, docs/protocol.md §5)', () => {
  it('reads the devices field, keyed by device ID, in both shapes', () => {
    expect(MSC4331_SYNC_FIELD).toBe('devices');
    const parsed = parseDeviceAccountData({
      global: [{ type: 'not.a.device', content: { v: 1 } }],
      devices: {
        A: [{ type: 't.a', content: { a: 1 } }],
        B: { events: [{ type: 't.b', content: {} }] },
      },
    });
    expect(parsed).toEqual(
      new Map([
        ['A', [{ type: 't.a', content: { a: 1 } }]],
        ['B', [{ type: 't.b', content: {} }]],
      ]),
    );
  });

  it('drops malformed parts', () => {
    for (const container of [undefined, null, 'x', [], {}, { devices: [] }, { devices: 'x' }]) {
      expect(parseDeviceAccountData(container).size).toBe(0);
    }
    expect(
      parseDeviceAccountData({
        devices: {
          '': [{ type: 't', content: {} }],
          A: 'junk',
          B: { events: { type: 't', content: {} } },
          C: [null, { type: 1, content: {} }, { type: 't' }, { type: 't', content: [] }],
          D: [{ type: 'ok', content: { v: 1 } }, 'junk'],
        },
      }),
    ).toEqual(new Map([['D', [{ type: 'ok', content: { v: 1 } }]]]));
  });
});

describe('namesUser (device_lists.changed)', () => {
  it('is true only when changed is an array naming the user', () => {
    expect(namesUser({ changed: ['@b:x', '@a:x'], left: [] }, '@a:x')).toBe(true);
    expect(namesUser({ changed: ['@b:x'], left: ['@a:x'] }, '@a:x')).toBe(false);
    expect(namesUser({ changed: '@a:x' }, '@a:x')).toBe(false);
    expect(namesUser(undefined, '@a:x')).toBe(false);
    expect(namesUser(['@a:x'], '@a:x')).toBe(false);
  });
});
