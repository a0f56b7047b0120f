import { describe, expect, it } from 'vitest';
import { modelUriFor } from '../model-uri';
import { EVENT_ID_PATTERN, ROOM_ID_PATTERN, USER_ID_PATTERN } from './common';
import type { JsonSchema } from './json-schema';
import {
  accountDataSchemas,
  fileMatchFor,
  JSON_SCHEMA_DIALECT,
  monacoJsonDiagnosticsOptions,
  monacoSchemaAssociations,
  schemaFor,
  schemaUri,
  typeMatches,
} from './registry';

/** Every subschema, depth first, with a readable path. */
function* walk(schema: JsonSchema, path = '#'): Generator<[string, JsonSchema]> {
  yield [path, schema];
  const children: [string, JsonSchema | undefined][] = [
    [
      'additionalProperties',
      typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined,
    ],
    ['propertyNames', schema.propertyNames],
    ['not', schema.not],
    ['if', schema.if],
    ['then', schema.then],
    ['else', schema.else],
    ['contains', schema.contains],
    ['additionalItems', typeof schema.additionalItems === 'object' ? schema.additionalItems : undefined],
  ];
  for (const [key, child] of children) if (child) yield* walk(child, `${path}/${key}`);
  for (const [key, map] of [
    ['properties', schema.properties],
    ['patternProperties', schema.patternProperties],
    ['definitions', schema.definitions],
  ] as const) {
    for (const [name, child] of Object.entries(map ?? {})) yield* walk(child, `${path}/${key}/${name}`);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const [i, child] of (schema[key] ?? []).entries()) yield* walk(child, `${path}/${key}/${i}`);
  }
  if (Array.isArray(schema.items)) {
    for (const [i, child] of (schema.items as readonly JsonSchema[]).entries())
      yield* walk(child, `${path}/items/${i}`);
  } else if (schema.items) {
    yield* walk(schema.items as JsonSchema, `${path}/items`);
  }
}

describe('identifier patterns', () => {
  const user = new RegExp(USER_ID_PATTERN, 'u');
  const roomId = new RegExp(ROOM_ID_PATTERN, 'u');
  const eventId = new RegExp(EVENT_ID_PATTERN, 'u');

  it.each(['@alice:example.org', '@a:b', '@alice:example.org:8448', '@=40weird_:[::1]'])(
    'user ID %s',
    (id) => {
      expect(user.test(id)).toBe(true);
    },
  );
  it.each(['alice:example.org', '@alice', '@:example.org', '@alice:', '!room:example.org'])(
    'not a user ID: %s',
    (id) => {
      expect(user.test(id)).toBe(false);
    },
  );

  const v12 = `!${'abcDEF0123456789_-'.repeat(2)}ABCDEFG`; // 43 characters after "!"
  it.each(['!abc:example.org', '!abc:example.org:8448', v12])('room ID %s', (id) => {
    expect(roomId.test(id)).toBe(true);
  });
  it.each([
    'abc:example.org',
    '!abc',
    '!:example.org',
    `${v12}x`, // 44 characters, no server
    `!${'a'.repeat(42)}`,
    `!${'a'.repeat(42)}+`, // not URL-safe base64
    '#alias:example.org',
  ])('not a room ID: %s', (id) => {
    expect(roomId.test(id)).toBe(false);
  });

  it.each(['$ev:example.org', '$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg'])('event ID %s', (id) => {
    expect(eventId.test(id)).toBe(true);
  });
  it.each(['ev:example.org', '$', ''])('not an event ID: %s', (id) => {
    expect(eventId.test(id)).toBe(false);
  });
});

describe('schema registry', () => {
  it('has unique ids and schema URIs', () => {
    const ids = accountDataSchemas.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const uris = accountDataSchemas.map(schemaUri);
    expect(new Set(uris).size).toBe(uris.length);
  });

  it('never lists a type twice for the same scope', () => {
    const seen = new Set<string>();
    for (const entry of accountDataSchemas) {
      for (const scope of entry.scopes) {
        for (const type of entry.types) {
          const key = `${scope} ${type}`;
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
    }
  });

  it('describes every root schema for hovers', () => {
    for (const entry of accountDataSchemas) {
      expect(entry.schema.type, entry.id).toBe('object');
      expect(entry.schema.title, entry.id).toBeTruthy();
      expect(entry.schema.description, entry.id).toBeTruthy();
    }
  });

  it('only uses patterns that compile with the u flag (Monaco silently ignores the others)', () => {
    for (const entry of accountDataSchemas) {
      for (const [path, schema] of walk(entry.schema)) {
        if (schema.pattern !== undefined) {
          expect(() => new RegExp(schema.pattern ?? '', 'u'), `${entry.id} ${path}`).not.toThrow();
        }
        for (const pattern of Object.keys(schema.patternProperties ?? {})) {
          expect(() => new RegExp(pattern, 'u'), `${entry.id} ${path}`).not.toThrow();
        }
      }
    }
  });

  it('gives every pattern a human error message', () => {
    for (const entry of accountDataSchemas) {
      for (const [path, schema] of walk(entry.schema)) {
        if (schema.pattern !== undefined)
          expect(schema.patternErrorMessage, `${entry.id} ${path}`).toBeTruthy();
      }
    }
  });

  it('lists every schema in the Monaco options, declared as draft-07', () => {
    const options = monacoJsonDiagnosticsOptions();
    expect(options).toMatchObject({
      validate: true,
      enableSchemaRequest: false,
      schemaValidation: 'warning',
    });
    expect(options.schemas).toEqual(monacoSchemaAssociations());
    expect(options.schemas.map((s) => s.uri)).toEqual(accountDataSchemas.map(schemaUri));
    for (const association of options.schemas) {
      expect(association.schema.$schema).toBe(JSON_SCHEMA_DIALECT);
      expect(association.fileMatch.length).toBeGreaterThan(0);
    }
  });
});

describe('typeMatches', () => {
  it('matches exact types exactly', () => {
    expect(typeMatches('m.direct', 'm.direct')).toBe(true);
    expect(typeMatches('m.direct', 'm.direct.x')).toBe(false);
    expect(typeMatches('m.direct', 'xm.direct')).toBe(false);
  });

  it('matches families by prefix with a non-empty suffix', () => {
    expect(typeMatches('m.secret_storage.key.*', 'm.secret_storage.key.abc')).toBe(true);
    expect(typeMatches('m.secret_storage.key.*', 'm.secret_storage.key.a/b')).toBe(true);
    expect(typeMatches('m.secret_storage.key.*', 'm.secret_storage.key.')).toBe(false);
    expect(typeMatches('m.secret_storage.key.*', 'm.secret_storage.keyring')).toBe(false);
  });
});

describe('schemaFor', () => {
  it('finds spec, vendor and family types', () => {
    expect(schemaFor('m.direct')?.entry.id).toBe('m.direct');
    expect(schemaFor('io.element.recovery')?.entry.id).toBe('io.element.recovery');
    expect(schemaFor('m.secret_storage.key.XYZ')?.entry.id).toBe('m.secret_storage.key');
    expect(schemaFor('m.cross_signing.user_signing')?.entry.id).toBe('m.cross_signing');
    expect(schemaFor('com.famedly.marked_unread')?.entry.id).toBe('m.marked_unread');
  });

  it('returns the URI used in the Monaco options and a draft-07 schema', () => {
    const found = schemaFor('m.push_rules');
    expect(found?.uri).toBe(
      monacoSchemaAssociations().find((a) => a.fileMatch.some((f) => f.endsWith('/m.push_rules.json')))?.uri,
    );
    expect(found?.schema.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(found?.schema.title).toContain('m.push_rules');
  });

  it('respects scope', () => {
    expect(schemaFor('m.tag', 'room')?.entry.id).toBe('m.tag');
    expect(schemaFor('m.tag', 'global')).toBeUndefined();
    expect(schemaFor('m.direct', 'room')).toBeUndefined();
    expect(schemaFor('m.media_preview_config', 'room')?.entry.id).toBe('m.media_preview_config');
    expect(schemaFor('m.media_preview_config', 'global')?.entry.id).toBe('m.media_preview_config');
    expect(schemaFor('m.direct', 'device')).toBeUndefined();
  });

  it('returns undefined for unknown types', () => {
    expect(schemaFor('com.example.unknown')).toBeUndefined();
    expect(schemaFor('')).toBeUndefined();
  });
});

describe('fileMatchFor', () => {
  /** The glob → regex translation Monaco's JSON service applies (`**\/` prefix, `*` within a segment). */
  const globMatches = (glob: string, uri: string) => {
    const body = glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('[^/]*');
    return new RegExp(`^(?:.*/)?${body}$`).test(uri);
  };

  it('derives scope-specific globs from the model URI layout', () => {
    const direct = accountDataSchemas.find((e) => e.id === 'm.direct');
    expect(direct && fileMatchFor(direct)).toEqual(['account-data/global/m.direct.json']);
    const preview = accountDataSchemas.find((e) => e.id === 'm.media_preview_config');
    expect(preview && fileMatchFor(preview)).toEqual([
      'account-data/global/m.media_preview_config.json',
      'account-data/global/io.element.msc4278.media_preview_config.json',
      'account-data/room/*/m.media_preview_config.json',
      'account-data/room/*/io.element.msc4278.media_preview_config.json',
    ]);
    const key = accountDataSchemas.find((e) => e.id === 'm.secret_storage.key');
    expect(key && fileMatchFor(key)).toEqual(['account-data/global/m.secret_storage.key.*.json']);
  });

  it('matches modelUriFor output, including encoded IDs', () => {
    const tag = 'account-data/room/*/m.tag.json';
    expect(globMatches(tag, modelUriFor({ kind: 'room', roomId: '!a/b:example.org' }, 'm.tag'))).toBe(true);
    expect(globMatches(tag, modelUriFor({ kind: 'global' }, 'm.tag'))).toBe(false);
    const family = 'account-data/global/m.secret_storage.key.*.json';
    expect(globMatches(family, modelUriFor({ kind: 'global' }, 'm.secret_storage.key.a/b+c'))).toBe(true);
    expect(globMatches(family, modelUriFor({ kind: 'room', roomId: '!r:x' }, 'm.secret_storage.key.a'))).toBe(
      false,
    );
  });
});
