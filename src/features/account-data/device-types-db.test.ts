import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalDb } from '../../lib/local-db.ts';
import { DeviceTypesDb } from './device-types-db.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('DeviceTypesDb (remembered per-device types, issue #10)', () => {
  it('keeps each account’s types apart, once each, sorted, across reopening', async () => {
    const first = new DeviceTypesDb(new LocalDb('types-db'));
    await first.add('@a:x', 'org.example.z');
    await first.add('@a:x', 'org.example.a');
    await first.add('@a:x', 'org.example.z');
    await first.add('@b:x', 'org.example.b');
    const reopened = new DeviceTypesDb(new LocalDb('types-db'));
    expect(await reopened.all('@a:x')).toEqual(['org.example.a', 'org.example.z']);
    expect(await reopened.all('@b:x')).toEqual(['org.example.b']);
    await reopened.remove('@a:x', 'org.example.z');
    expect(await reopened.all('@a:x')).toEqual(['org.example.a']);
  });
});
