// Validates every schema against good and bad content with the JSON language service Monaco itself
// runs in its JSON worker (vendored in monaco-editor), configured exactly like the editor. So these
// tests check what the user will see: which schema a document gets (fileMatch ↔ modelUriFor) and
// which problems it shows.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountDataScope, JsonValue } from '../../matrix/types';
import { modelUriFor, monacoUriComponents } from '../model-uri';
import { schemaProblemsFromMarkers, type MarkerLike } from '../validation';
import type { AccountDataSchema, JsonSchema } from './json-schema';
import { accountDataSchemas, monacoJsonDiagnosticsOptions } from './registry';

// ---- harness -------------------------------------------------------------------------------------

type Position = { line: number; character: number };
type Diagnostic = {
  message: string;
  severity?: number;
  code?: string | number;
  range: { start: Position; end: Position };
};
type TextDocument = { uri: string };
type LanguageService = {
  configure(settings: object): void;
  parseJSONDocument(document: TextDocument): unknown;
  doValidation(document: TextDocument, json: unknown, settings?: object): Promise<Diagnostic[]>;
  getMatchingSchemas(
    document: TextDocument,
    json: unknown,
  ): Promise<{ node: { offset: number }; schema: JsonSchema }[]>;
};

const VENDOR = '../../../node_modules/monaco-editor/esm/external/';
let service: LanguageService;
let createDocument: (uri: string, text: string) => TextDocument;
let monacoUriString: (documentUri: string) => string;

beforeAll(async () => {
  const [ls, textDocument, uri] = (await Promise.all([
    import(/* @vite-ignore */ `${VENDOR}vscode-json-languageservice/lib/esm/jsonLanguageService.js`),
    import(/* @vite-ignore */ `${VENDOR}vscode-languageserver-textdocument/lib/esm/main.js`),
    import(/* @vite-ignore */ `${VENDOR}vscode-uri/lib/esm/index.js`),
  ])) as [
    { getLanguageService(params: object): LanguageService },
    {
      TextDocument: { create(uri: string, languageId: string, version: number, text: string): TextDocument };
    },
    {
      URI: { from(components: { scheme: string; authority: string; path: string }): { toString(): string } };
    },
  ];
  service = ls.getLanguageService({});
  const { validate, allowComments, schemas } = monacoJsonDiagnosticsOptions();
  // Monaco's JSON worker passes the whole options object as language settings, as we do here.
  service.configure({ validate, allowComments, schemas });
  createDocument = (documentUri, text) => textDocument.TextDocument.create(documentUri, 'json', 1, text);
  // The editor builds its model URI with Uri.from(monacoUriComponents(...)); vscode-uri is the same code.
  monacoUriString = (documentUri) => uri.URI.from(monacoUriComponents(documentUri)).toString();
});

/** Schema problems (not syntax) for `content` stored as `type` in `scope`, as the editor reports them. */
async function problemsFor(type: string, scope: AccountDataScope, content: JsonValue): Promise<string[]> {
  const document = createDocument(
    monacoUriString(modelUriFor(scope, type)),
    JSON.stringify(content, null, 2),
  );
  const diagnostics = await service.doValidation(
    document,
    service.parseJSONDocument(document),
    monacoJsonDiagnosticsOptions(),
  );
  const markers: MarkerLike[] = diagnostics.map((d) => ({
    message: d.message,
    severity: d.severity === 1 ? 8 : 4,
    startLineNumber: d.range.start.line + 1,
    startColumn: d.range.start.character + 1,
    endLineNumber: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    code: d.code === undefined ? undefined : String(d.code),
  }));
  return schemaProblemsFromMarkers(markers).map((p) => p.message);
}

/** Title of the root schema Monaco associates with the document, or undefined if none. */
async function rootSchemaTitle(documentUri: string): Promise<string | undefined> {
  const document = createDocument(monacoUriString(documentUri), '{}');
  const matches = await service.getMatchingSchemas(document, service.parseJSONDocument(document));
  return matches.find((m) => m.node.offset === 0 && m.schema.title !== undefined)?.schema.title;
}

const global: AccountDataScope = { kind: 'global' };
const room: AccountDataScope = { kind: 'room', roomId: '!room:example.org' };
const ROOM_V12 = `!${'A'.repeat(20)}_-${'b9'.repeat(10)}x`; // 43 URL-safe base64 characters
const B64 = 'gTzXcxMDyIqPpPd45bqZaQ';

// ---- cases ---------------------------------------------------------------------------------------

type Case = {
  type: string;
  scope?: AccountDataScope;
  good: JsonValue[];
  /** Content and a pattern one of the reported problems must match. */
  bad: [JsonValue, RegExp][];
};

const secretGood: JsonValue = { encrypted: { abcdef: { iv: B64, ciphertext: 'Zm9vYmFy', mac: 'bWFjbWFj' } } };
const secretBad: [JsonValue, RegExp][] = [
  [{}, /Missing property "encrypted"/],
  [{ encrypted: {} }, /fewer properties/i],
  [{ encrypted: { abcdef: { iv: B64 } } }, /Missing property "ciphertext"/],
  [{ encrypted: { abcdef: { iv: B64, ciphertext: 'not base64!', mac: 'bWFj' } } }, /base64/],
];

const pushRulesGood: JsonValue = {
  global: {
    override: [
      { rule_id: '.m.rule.master', default: true, enabled: false, actions: [], conditions: [] },
      {
        rule_id: '.m.rule.suppress_notices',
        default: true,
        enabled: true,
        actions: [],
        conditions: [{ kind: 'event_match', key: 'content.msgtype', pattern: 'm.notice' }],
      },
    ],
    content: [
      {
        rule_id: '.m.rule.contains_user_name',
        default: true,
        enabled: true,
        pattern: 'alice',
        actions: ['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight' }],
      },
    ],
    room: [],
    sender: [],
    underride: [
      {
        rule_id: '.m.rule.is_user_mention',
        default: true,
        enabled: true,
        actions: ['notify', { set_tweak: 'highlight', value: false }],
        conditions: [
          { kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: '@alice:x' },
        ],
      },
      {
        rule_id: '.m.rule.room_one_to_one',
        default: true,
        enabled: true,
        actions: ['notify'],
        conditions: [
          { kind: 'room_member_count', is: '2' },
          { kind: 'event_match', key: 'type', pattern: 'm.room.message' },
          { kind: 'org.example.unknown_kind' },
        ],
      },
    ],
  },
};

const rule = (extra: Record<string, JsonValue>): JsonValue => ({
  rule_id: 'r',
  default: false,
  enabled: true,
  actions: ['notify'],
  ...extra,
});

const cases: Case[] = [
  {
    type: 'm.direct',
    good: [
      { '@bob:example.com': ['!abcdefgh:example.com', '!hgfedcba:example.com'] },
      { '@carol:example.org': [ROOM_V12] },
      { 'dave@example.org': ['!third:example.org'] },
      {},
    ],
    bad: [
      [{ '@bob:example.com': '!abcdefgh:example.com' }, /Incorrect type\. Expected "array"/],
      [{ '@bob:example.com': ['abcdefgh:example.com'] }, /Expected a room ID/],
      [{ '@bob:example.com': ['!noServerAndTooShort'] }, /Expected a room ID/],
    ],
  },
  {
    type: 'm.ignored_user_list',
    good: [{ ignored_users: { '@someone:example.org': {} } }, { ignored_users: {} }],
    bad: [
      [{}, /Missing property "ignored_users"/],
      [{ ignored_users: { someone: {} } }, /Keys must be user IDs/],
      [{ ignored_users: { '@someone:example.org': true } }, /Incorrect type\. Expected "object"/],
    ],
  },
  {
    type: 'm.identity_server',
    good: [{ base_url: 'https://example.org' }, { base_url: null }, {}],
    bad: [
      [{ base_url: 42 }, /Incorrect type/],
      [{ base_url: 'example.org' }, /URI/],
    ],
  },
  {
    type: 'm.accepted_terms',
    good: [{ accepted: ['https://example.org/somewhere/terms-1.2-en.html'] }, {}],
    bad: [[{ accepted: 'https://example.org/terms' }, /Expected "array"/]],
  },
  {
    type: 'm.invite_permission_config',
    good: [{ default_action: 'block' }, { default_action: 'allow' }, {}],
    bad: [[{ default_action: true }, /Expected "string"/]],
  },
  {
    type: 'm.recent_emoji',
    good: [
      {
        recent_emoji: [
          { emoji: '🚀', total: 3 },
          { emoji: 'mxc://example.org/party', total: 1, shortcode: 'party' },
        ],
      },
      { recent_emoji: [] },
    ],
    bad: [
      [{}, /Missing property "recent_emoji"/],
      [{ recent_emoji: [['😀', 3]] }, /Expected "object"/],
      [{ recent_emoji: [{ emoji: '🚀' }] }, /Missing property "total"/],
      [{ recent_emoji: [{ emoji: '🚀', total: -1 }] }, /minimum/i],
    ],
  },
  {
    type: 'io.github.johennes.msc4356.recent_emoji',
    good: [{ recent_emoji: [{ emoji: '👍', total: 84 }] }],
    bad: [[{ recent_emoji: [{ total: 1 }] }, /Missing property "emoji"/]],
  },
  {
    type: 'm.image_pack.rooms',
    good: [
      { rooms: { '!pack:example.org': { '': {}, 'de.sorunome.mx-puppet-bridge.discord': {} } } },
      { rooms: {} },
    ],
    bad: [
      [{}, /Missing property "rooms"/],
      [{ rooms: { 'pack:example.org': {} } }, /Keys must be room IDs/],
      [{ rooms: { '!pack:example.org': { '': true } } }, /Expected "object"/],
    ],
  },
  {
    type: 'im.ponies.emote_rooms',
    good: [{ rooms: { [ROOM_V12]: { '': {} } } }],
    bad: [[{ rooms: [] }, /Expected "object"/]],
  },
  {
    type: 'm.key_backup',
    good: [{ enabled: false }, { enabled: true }],
    bad: [
      [{}, /Missing property "enabled"/],
      [{ enabled: 'true' }, /Expected "boolean"/],
    ],
  },
  {
    type: 'm.media_preview_config',
    good: [{ media_previews: 'private', invite_avatars: 'off' }, { media_previews: 'on' }, {}],
    bad: [
      [{ media_previews: 'sometimes' }, /Value is not accepted/],
      [{ invite_avatars: 'private' }, /Value is not accepted/],
    ],
  },
  {
    type: 'm.media_preview_config',
    scope: room,
    good: [{ media_previews: 'off' }],
    bad: [[{ media_previews: 'never' }, /Value is not accepted/]],
  },
  {
    type: 'io.element.msc4278.media_preview_config',
    good: [{ media_previews: 'on', invite_avatars: 'on' }],
    bad: [[{ media_previews: true }, /Expected "string"/]],
  },
  {
    type: 'm.push_rules',
    good: [pushRulesGood, { global: { override: [], content: [], room: [], sender: [], underride: [] } }],
    bad: [
      [{ global: { override: {} } }, /Expected "array"/],
      [
        { global: { override: [{ default: true, enabled: true, actions: [] }] } },
        /Missing property "rule_id"/,
      ],
      [{ global: { content: [rule({})] } }, /Missing property "pattern"/],
      [
        { global: { override: [rule({ conditions: [{ kind: 'event_match', key: 'type' }] })] } },
        /Missing property "pattern"/,
      ],
      [
        { global: { override: [rule({ conditions: [{ kind: 'event_property_is', key: 'x' }] })] } },
        /Missing property "value"/,
      ],
      [
        { global: { override: [rule({ conditions: [{ kind: 'room_member_count', is: 'two' }] })] } },
        /member count/,
      ],
      [{ global: { override: [rule({ conditions: [{ key: 'type' }] })] } }, /Missing property "kind"/],
      [{ global: { override: [rule({ actions: 'notify' })] } }, /Expected "array"/],
    ],
  },
  {
    type: 'm.secret_storage.default_key',
    good: [{ key: 'bmur2d9ypPUH1msSwCxQOJkuKRmJI55e' }, {}],
    bad: [
      [{ key: 1 }, /Expected "string"/],
      [{ key: '' }, /shorter than/i],
    ],
  },
  {
    type: 'm.secret_storage.key.bmur2d9ypPUH1msSwCxQOJkuKRmJI55e',
    good: [
      {
        name: 'Recovery key',
        algorithm: 'm.secret_storage.v1.aes-hmac-sha2',
        iv: B64,
        mac: 'DPtYSwx7xzZfCh4O5bcmPnsJ2X/v63w2Mx2ayOBN4L4',
        passphrase: { algorithm: 'm.pbkdf2', salt: 'MmMsAlty', iterations: 500000, bits: 256 },
      },
      { algorithm: 'm.secret_storage.v1.aes-hmac-sha2' },
    ],
    bad: [
      [{ name: 'x' }, /Missing property "algorithm"/],
      [{ algorithm: 'a', passphrase: { algorithm: 'm.pbkdf2', iterations: 1 } }, /Missing property "salt"/],
      [
        { algorithm: 'a', passphrase: { algorithm: 'm.pbkdf2', salt: 's', iterations: '500000' } },
        /Expected "integer"/,
      ],
      [{ algorithm: 'a', iv: 'not base64!' }, /base64/],
    ],
  },
  { type: 'm.cross_signing.master', good: [secretGood], bad: secretBad },
  { type: 'm.cross_signing.self_signing', good: [secretGood], bad: secretBad.slice(0, 1) },
  { type: 'm.cross_signing.user_signing', good: [secretGood], bad: secretBad.slice(0, 1) },
  {
    type: 'm.megolm_backup.v1',
    // The legacy curve25519 format has `ephemeral` instead of `iv`; still accepted.
    good: [secretGood, { encrypted: { k: { ciphertext: 'Zm9v', ephemeral: 'ZXBo', mac: 'bWFj' } } }],
    bad: secretBad,
  },
  { type: 'org.matrix.msc3814', good: [secretGood], bad: secretBad.slice(0, 2) },
  {
    type: 'm.tag',
    scope: room,
    good: [
      { tags: { 'u.work': { order: 0.9 } } },
      { tags: { 'm.favourite': {}, 'm.lowpriority': { order: 0 } } },
      {},
    ],
    bad: [
      [{ tags: { 'u.work': { order: 1.5 } } }, /maximum/i],
      [{ tags: { 'u.work': { order: '0.5' } } }, /Expected "number"/],
      [{ tags: ['m.favourite'] }, /Expected "object"/],
    ],
  },
  {
    type: 'm.fully_read',
    scope: room,
    good: [
      { event_id: '$someplace:example.org' },
      { event_id: '$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg' },
    ],
    bad: [
      [{}, /Missing property "event_id"/],
      [{ event_id: 'someplace:example.org' }, /event ID/],
    ],
  },
  {
    type: 'm.marked_unread',
    scope: room,
    good: [{ unread: true }, { unread: false }],
    bad: [
      [{}, /Missing property "unread"/],
      [{ unread: 'yes' }, /Expected "boolean"/],
    ],
  },
  {
    type: 'com.famedly.marked_unread',
    scope: room,
    good: [{ unread: true }],
    bad: [[{ unread: 1 }, /boolean/]],
  },
  {
    type: 'm.org.matrix.custom.backup_disabled',
    good: [{ disabled: true }],
    bad: [[{ disabled: 1 }, /Expected "boolean"/]],
  },
  { type: 'io.element.recovery', good: [{ enabled: true }], bad: [[{}, /Missing property "enabled"/]] },
  {
    type: 'org.matrix.msc4155.invite_permission_config',
    good: [{ blocked_servers: ['*.evil.example'], allowed_users: ['@friend:example.org'] }, {}],
    bad: [[{ blocked_users: '@spam:example.org' }, /Expected "array"/]],
  },
  {
    type: 'org.matrix.msc3890.local_notification_settings.ABCDEFGHIJ',
    good: [{ is_silenced: false }],
    bad: [[{ is_silenced: 'no' }, /Expected "boolean"/]],
  },
  {
    type: 'm.local_notification_settings.ABCDEFGHIJ',
    good: [{ is_silenced: true }],
    bad: [[{}, /Missing property "is_silenced"/]],
  },
  {
    type: 'io.element.matrix_client_information.ABCDEFGHIJ',
    good: [
      { name: 'Element', version: '1.11.90', url: 'app.element.io' },
      { name: 'Element', version: '1.11.90' },
    ],
    bad: [[{ name: 'Element' }, /Missing property "version"/]],
  },
  {
    type: 'im.vector.analytics',
    good: [
      { id: 'a1b2c3', pseudonymousAnalyticsOptIn: true },
      { pseudonymousAnalyticsOptIn: null },
      { id: 'x' },
    ],
    bad: [[{ pseudonymousAnalyticsOptIn: 'yes' }, /Incorrect type/]],
  },
  {
    type: 'im.vector.setting.breadcrumbs',
    good: [{ recent_rooms: ['!a:example.org', ROOM_V12] }],
    bad: [
      [{}, /Missing property "recent_rooms"/],
      [{ recent_rooms: ['a:example.org'] }, /Expected a room ID/],
    ],
  },
  {
    type: 'im.vector.riot.breadcrumb_rooms',
    good: [{ rooms: ['!a:example.org'] }],
    bad: [[{ rooms: '!a:example.org' }, /Expected "array"/]],
  },
  {
    type: 'im.vector.setting.integration_provisioning',
    good: [{ enabled: false }],
    bad: [[{ enabled: null }, /Expected "boolean"/]],
  },
  {
    type: 'im.vector.web.settings',
    good: [{ 'MessageComposerInput.insertTrailingColon': true, language: 'en', custom: { nested: [1] } }],
    bad: [[[], /Expected "object"/]],
  },
  {
    type: 'im.vector.web.settings',
    scope: room,
    good: [{ urlPreviewsEnabled: false }],
    bad: [[[], /object/]],
  },
  {
    type: 'io.element.recent_emoji',
    good: [
      {
        recent_emoji: [
          ['😀', 3],
          ['👍', 1],
        ],
      },
      { recent_emoji: { '😀': 3 } },
    ],
    bad: [
      [{}, /Missing property "recent_emoji"/],
      [{ recent_emoji: [['😀']] }, /fewer items|too few/i],
      [{ recent_emoji: [[3, '😀']] }, /Incorrect type/],
    ],
  },
  {
    type: 'm.widgets',
    good: [
      {
        stickerpicker_1234: {
          content: {
            type: 'm.stickerpicker',
            url: 'https://scalar.vector.im/widgets/stickerpicker?widgetId=$matrix_widget_id',
            name: 'Stickerpack',
            data: {},
          },
          sender: '@alice:example.org',
          state_key: 'stickerpicker_1234',
          type: 'm.widget',
          id: 'stickerpicker_1234',
        },
      },
      {},
    ],
    bad: [
      [{ stickerpicker: { type: 'm.widget' } }, /Missing property "content"/],
      [{ w: { content: { type: 'm.stickerpicker' } } }, /Missing property "url"/],
      [{ w: { content: { type: 'm.custom', url: 'https://x' }, sender: 'alice' } }, /Expected a user ID/],
    ],
  },
  {
    type: 'im.ponies.user_emotes',
    good: [
      {
        pack: { display_name: 'Mine' },
        images: { blobcat: { url: 'mxc://example.org/abc', usage: ['emoticon'] } },
      },
      { short: { ':cat:': 'mxc://example.org/cat' } },
    ],
    bad: [
      [{ images: { cat: { url: 'https://example.org/cat.png' } } }, /content URI/],
      [{ images: { cat: {} } }, /Missing property "url"/],
    ],
  },
  {
    type: 'io.element.synapse.admin_client_config',
    good: [
      { return_soft_failed_events: true },
      { return_soft_failed_events: false, return_policy_server_spammy_events: true },
    ],
    bad: [[{ return_soft_failed_events: 'true' }, /Expected "boolean"/]],
  },
  { type: 'org.matrix.preview_urls', good: [{ disable: true }], bad: [[{}, /Missing property "disable"/]] },
  {
    type: 'org.matrix.room.preview_urls',
    scope: room,
    good: [{ disable: false }],
    bad: [[{ disable: 'false' }, /boolean/]],
  },
  {
    type: 'org.matrix.msc3230.space_order',
    scope: room,
    good: [{ order: 'a' }, { order: '~~ 01' }],
    bad: [
      [{ order: 'é' }, /printable ASCII/],
      [{ order: 'x'.repeat(51) }, /longer than|too long/i],
      [{ order: 1 }, /Expected "string"/],
    ],
  },
  {
    type: 'im.vector.setting.allowed_widgets',
    scope: room,
    good: [{ '$abc:example.org': true, $Rqnc: false }, {}],
    bad: [
      [{ '$abc:example.org': 'yes' }, /Expected "boolean"/],
      // The shape docs/protocol.md §8 describes; Element actually stores the map directly as the content.
      [{ widgets: { '$abc:example.org': true } }, /event IDs/],
    ],
  },
];

// ---- tests ---------------------------------------------------------------------------------------

describe.each(cases.map((c) => [`${c.type} (${c.scope?.kind ?? 'global'})`, c] as const))('%s', (_, c) => {
  const scope = c.scope ?? global;
  it.each(c.good.map((content) => [JSON.stringify(content).slice(0, 60), content] as const))(
    'accepts %s',
    async (_label, content) => {
      expect(await problemsFor(c.type, scope, content)).toEqual([]);
    },
  );
  it.each(
    c.bad.map(([content, pattern]) => [JSON.stringify(content).slice(0, 60), content, pattern] as const),
  )('flags %s', async (_label, content, pattern) => {
    const problems = await problemsFor(c.type, scope, content);
    expect(
      problems.some((message) => pattern.test(message)),
      problems.join(' | '),
    ).toBe(true);
  });
});

describe('coverage', () => {
  it('has good and bad examples for every registered type pattern', () => {
    const tested = cases.map((c) => c.type);
    for (const entry of accountDataSchemas) {
      for (const pattern of entry.types) {
        const prefix = pattern.endsWith('.*') ? pattern.slice(0, -1) : undefined;
        const covered = tested.some((t) => (prefix ? t.startsWith(prefix) : t === pattern));
        expect(covered, `no examples for ${pattern}`).toBe(true);
      }
    }
  });
});

describe('schema association (fileMatch ↔ modelUriFor)', () => {
  const sampleType = (pattern: string) =>
    // Family suffixes are IDs; include characters that need %-encoding to prove they still match.
    pattern.endsWith('.*') ? `${pattern.slice(0, -1)}DEV/ICE+id=` : pattern;
  const scopeFor = (kind: 'global' | 'room'): AccountDataScope =>
    kind === 'global' ? global : { kind: 'room', roomId: '!weird/room:example.org' };

  const rows = accountDataSchemas.flatMap((entry: AccountDataSchema) =>
    entry.types.flatMap((pattern) =>
      (['global', 'room'] as const).map((kind) => [entry, pattern, kind] as const),
    ),
  );

  it.each(rows.map(([entry, pattern, kind]) => [`${pattern} in ${kind}`, entry, pattern, kind] as const))(
    '%s',
    async (_label, entry, pattern, kind) => {
      const title = await rootSchemaTitle(modelUriFor(scopeFor(kind), sampleType(pattern)));
      if (entry.scopes.includes(kind)) expect(title).toBe(entry.schema.title);
      else expect(title).toBeUndefined();
    },
  );

  it('gives device-scoped documents no schema', async () => {
    expect(
      await rootSchemaTitle(modelUriFor({ kind: 'device', deviceId: 'DEV' }, 'm.direct')),
    ).toBeUndefined();
  });

  it('gives unknown types no schema', async () => {
    expect(await rootSchemaTitle(modelUriFor(global, 'com.example.custom'))).toBeUndefined();
  });

  it('does not match a type that merely ends with a known type name', async () => {
    expect(await rootSchemaTitle(modelUriFor(global, 'com.example/global/m.direct'))).toBeUndefined();
    expect(await rootSchemaTitle(modelUriFor(global, 'xm.direct'))).toBeUndefined();
    expect(await rootSchemaTitle(modelUriFor(global, 'm.secret_storage.keyring'))).toBeUndefined();
  });
});
