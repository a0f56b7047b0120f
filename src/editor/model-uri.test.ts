import { describe, expect, it } from 'vitest';
import type { AccountDataScope } from '../matrix/types';
import { modelUriFor, monacoUriComponents, parseModelUri } from './model-uri';

describe('modelUriFor', () => {
  it('builds readable URIs with the type last', () => {
    expect(modelUriFor({ kind: 'global' }, 'm.direct')).toBe('inmemory://account-data/global/m.direct.json');
    expect(modelUriFor({ kind: 'room', roomId: '!abc:example.org' }, 'm.tag')).toBe(
      'inmemory://account-data/room/!abc%3Aexample.org/m.tag.json',
    );
    expect(modelUriFor({ kind: 'device', deviceId: 'ABCDEF' }, 'x.y')).toBe(
      'inmemory://account-data/device/ABCDEF/x.y.json',
    );
  });

  it('encodes slashes and URI syntax so segments stay intact', () => {
    const uri = modelUriFor({ kind: 'room', roomId: '!a/b:x' }, 'com.example/type?#%');
    expect(uri).toBe('inmemory://account-data/room/!a%2Fb%3Ax/com.example%2Ftype%3F%23%25.json');
    expect(uri.split('/')).toHaveLength(6);
  });

  it('keeps global and room namespaces, and different rooms, apart', () => {
    const uris = new Set([
      modelUriFor({ kind: 'global' }, 'm.tag'),
      modelUriFor({ kind: 'room', roomId: '!a:x' }, 'm.tag'),
      modelUriFor({ kind: 'room', roomId: '!b:x' }, 'm.tag'),
      modelUriFor({ kind: 'device', deviceId: '!a:x' }, 'm.tag'),
      // Would collide with the room entry above if '/' were not encoded.
      modelUriFor({ kind: 'global' }, '!a:x/m.tag'),
    ]);
    expect(uris.size).toBe(5);
  });

  it('rejects empty types and IDs, which the UI must block', () => {
    expect(() => modelUriFor({ kind: 'global' }, '')).toThrow(RangeError);
    expect(() => modelUriFor({ kind: 'room', roomId: '' }, 'm.tag')).toThrow(RangeError);
  });
});

describe('parseModelUri', () => {
  const scopes: AccountDataScope[] = [
    { kind: 'global' },
    { kind: 'room', roomId: '!weird/room:example.org' },
    { kind: 'room', roomId: `!${'x'.repeat(43)}` },
    { kind: 'device', deviceId: 'DEV/ICE' },
  ];
  const types = ['m.direct', 'm.secret_storage.key.a/b+c=', 'ünïcode.☃', 'with space', '%2F'];

  it.each(scopes.flatMap((scope) => types.map((type) => [scope, type] as const)))(
    'round-trips %j %s',
    (scope, type) => {
      expect(parseModelUri(modelUriFor(scope, type))).toEqual({ scope, type });
    },
  );

  it.each([
    'inmemory://model/1',
    'inmemory://account-data/global/m.direct',
    'inmemory://account-data/global/a/b.json',
    'inmemory://account-data/room/m.tag.json',
    'inmemory://account-data/elsewhere/x/m.tag.json',
    'inmemory://account-data/global/%E0%A4%A.json',
  ])('ignores %s', (uri) => {
    expect(parseModelUri(uri)).toBeUndefined();
  });
});

describe('monacoUriComponents', () => {
  it('keeps the path exactly as written so %2F never becomes a separator', () => {
    const uri = modelUriFor({ kind: 'room', roomId: '!a/b:x' }, 'm.tag');
    expect(monacoUriComponents(uri)).toEqual({
      scheme: 'inmemory',
      authority: 'account-data',
      path: '/room/!a%2Fb%3Ax/m.tag.json',
    });
  });

  it('gives foreign strings a collision-free home', () => {
    expect(monacoUriComponents('not a uri')).toEqual({
      scheme: 'inmemory',
      authority: 'other',
      path: '/not%20a%20uri',
    });
    expect(monacoUriComponents('inmemory://x')).toEqual({ scheme: 'inmemory', authority: 'x', path: '/' });
  });
});
