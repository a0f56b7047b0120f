import { describe, expect, it } from 'vitest';
import { clientInformationOf, findOrphans, PER_DEVICE_CATALOGUE, perDeviceEntriesOf } from './per-device.ts';

describe('PER_DEVICE_CATALOGUE (MSC4331 types looked up on every device, docs/protocol.md §5)', () => {
  it('holds the base names of the per-device global prefixes, without the trailing dot', () => {
    expect([...PER_DEVICE_CATALOGUE].sort()).toEqual([
      'io.element.matrix_client_information',
      'm.local_notification_settings',
      'org.matrix.msc3890.local_notification_settings',
    ]);
    expect(Object.isFrozen(PER_DEVICE_CATALOGUE)).toBe(true);
  });
});

describe('perDeviceEntriesOf', () => {
  it('groups per-device global types by device, sorted, and leaves other types out', () => {
    const grouped = perDeviceEntriesOf([
      'm.direct',
      'org.matrix.msc3890.local_notification_settings.AAA',
      'io.element.matrix_client_information.AAA',
      'io.element.matrix_client_information.BBB',
      'm.local_notification_settings.AAA',
      // A bare prefix names no device.
      'io.element.matrix_client_information.',
      'io.element.matrix_client_information',
      'io.element.matrix_client_information.AAA',
    ]);
    expect([...grouped.keys()].sort()).toEqual(['AAA', 'BBB']);
    expect(grouped.get('AAA')).toEqual([
      'io.element.matrix_client_information.AAA',
      'm.local_notification_settings.AAA',
      'org.matrix.msc3890.local_notification_settings.AAA',
    ]);
    expect(grouped.get('BBB')).toEqual(['io.element.matrix_client_information.BBB']);
  });

  it('keeps a device ID containing dots whole', () => {
    expect(perDeviceEntriesOf(['io.element.matrix_client_information.a.b'])).toEqual(
      new Map([['a.b', ['io.element.matrix_client_information.a.b']]]),
    );
  });

  it('is empty for no per-device types', () => {
    expect(perDeviceEntriesOf(['m.direct', 'm.push_rules']).size).toBe(0);
    expect(perDeviceEntriesOf([]).size).toBe(0);
  });
});

describe('findOrphans', () => {
  const live = [
    'm.direct',
    'io.element.matrix_client_information.GONE',
    'org.matrix.msc3890.local_notification_settings.GONE',
    'io.element.matrix_client_information.HERE',
    'm.local_notification_settings.ALSO_GONE',
  ];

  it('lists per-device types whose device is not in the device list, sorted', () => {
    expect(findOrphans(live, new Set(['HERE', 'OTHER']))).toEqual([
      'io.element.matrix_client_information.GONE',
      'm.local_notification_settings.ALSO_GONE',
      'org.matrix.msc3890.local_notification_settings.GONE',
    ]);
  });

  it('accepts any iterable of device IDs', () => {
    expect(findOrphans(live, ['HERE', 'GONE', 'ALSO_GONE'])).toEqual([]);
    expect(findOrphans(new Set(live), ['HERE', 'GONE'])).toEqual(['m.local_notification_settings.ALSO_GONE']);
  });

  it('has nothing to report without per-device types', () => {
    expect(findOrphans(['m.direct'], [])).toEqual([]);
  });
});

describe('clientInformationOf (io.element.matrix_client_information)', () => {
  it('reads name, version and url', () => {
    expect(clientInformationOf({ name: 'Element', version: '1.11.85', url: 'app.element.io' })).toEqual({
      name: 'Element',
      version: '1.11.85',
      url: 'app.element.io',
    });
    // Element Desktop writes no url.
    expect(clientInformationOf({ name: 'Element', version: '1.11.85' })).toEqual({
      name: 'Element',
      version: '1.11.85',
    });
  });

  it('drops fields of the wrong type and survives non-objects', () => {
    expect(clientInformationOf({ name: 7, version: null, url: ['x'], extra: 'y' })).toEqual({});
    expect(clientInformationOf({})).toEqual({});
    expect(clientInformationOf(null)).toEqual({});
    expect(clientInformationOf('Element')).toEqual({});
    expect(clientInformationOf([{ name: 'Element' }])).toEqual({});
  });
});
