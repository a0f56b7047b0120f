/**
 * Schemas for unstable (MSC) and client-specific account-data types that are common in real accounts
 * (docs/protocol.md §8), mostly written by Element. Shapes follow what the writing clients actually store,
 * which is sometimes not what their documentation says; where readers accept several shapes, so do we.
 */
import { booleanFlagContent, eventIdKeys, mxcUriString, roomIdString, userIdString } from './common';
import type { AccountDataSchema, JsonSchema } from './json-schema';

/** `m.org.matrix.custom.backup_disabled`: MSC4287's unstable, reversed-sense key-backup flag. */
export const backupDisabledSchema: AccountDataSchema = {
  id: 'm.org.matrix.custom.backup_disabled',
  types: ['m.org.matrix.custom.backup_disabled'],
  scopes: ['global'],
  schema: booleanFlagContent({
    title: 'Key backup disabled (unstable MSC4287)',
    description: 'Unstable form of m.key_backup with the opposite sense: true means backup is OFF.',
    markdownDescription:
      'Unstable form of `m.key_backup` with the **opposite** sense: `"disabled": true` means key backup ' +
      'is off. Element and matrix-rust-sdk still write it; it should agree with `m.key_backup.enabled`. ' +
      '(The `m.` prefix is a historical mistake, not a specced name.)',
    property: 'disabled',
    propertyDescription: 'true if the user turned key backup off.',
  }),
};

/** `io.element.recovery`: whether Element's "recovery" (4S + backup) is set up. */
export const elementRecoverySchema: AccountDataSchema = {
  id: 'io.element.recovery',
  types: ['io.element.recovery'],
  scopes: ['global'],
  schema: booleanFlagContent({
    title: 'Recovery enabled (io.element.recovery)',
    description: "Element's record of whether the user set up recovery (secret storage and key backup).",
    property: 'enabled',
    propertyDescription: 'true if recovery is set up.',
  }),
};

const globList = (description: string): JsonSchema => ({
  type: 'array',
  description,
  items: { type: 'string', description: 'Glob: * matches any run of characters, ? one character.' },
});

/** `org.matrix.msc4155.invite_permission_config`: allow/ignore/block invites by user or server glob. */
export const msc4155InvitePermissionSchema: AccountDataSchema = {
  id: 'org.matrix.msc4155.invite_permission_config',
  types: ['org.matrix.msc4155.invite_permission_config'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Invite filtering (MSC4155)',
    description: 'Invite filtering by user and server globs. Allow beats ignore beats block.',
    markdownDescription:
      'Invite filtering by user and server globs (MSC4155). Allow lists win over ignore lists, which win ' +
      'over block lists. On Synapse an `m.invite_permission_config` entry, even `{}`, takes precedence.',
    properties: {
      allowed_users: globList('User ID globs whose invites are always let through.'),
      ignored_users: globList('User ID globs whose invites are silently dropped.'),
      blocked_users: globList('User ID globs whose invites are rejected.'),
      allowed_servers: globList('Server-name globs whose users’ invites are always let through.'),
      ignored_servers: globList('Server-name globs whose users’ invites are silently dropped.'),
      blocked_servers: globList('Server-name globs whose users’ invites are rejected.'),
    },
  },
};

/** MSC3890 per-device notification silencing, keyed by device ID in the type. */
export const localNotificationSettingsSchema: AccountDataSchema = {
  id: 'org.matrix.msc3890.local_notification_settings',
  types: ['org.matrix.msc3890.local_notification_settings.*', 'm.local_notification_settings.*'],
  scopes: ['global'],
  schema: booleanFlagContent({
    title: 'Device notification settings (MSC3890)',
    description: 'Whether notifications are silenced on the device named at the end of the type.',
    markdownDescription:
      'Whether notifications are silenced on the device whose ID ends the type name (MSC3890).\n\n' +
      'Synapse (with MSC3890 enabled) deletes this entry when that device is deleted or logs out; an ' +
      'entry for a device that no longer exists is an orphan.',
    property: 'is_silenced',
    propertyDescription: 'true if that device should not show notifications.',
  }),
};

/** `io.element.matrix_client_information.<deviceId>`: which app a session runs. */
export const clientInformationSchema: AccountDataSchema = {
  id: 'io.element.matrix_client_information',
  types: ['io.element.matrix_client_information.*'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Session client information (Element)',
    description: 'Name, version and URL of the client running on the device named at the end of the type.',
    markdownDescription:
      'Name, version and URL of the client running on the device whose ID ends the type name. Element ' +
      'writes it when "share client information" is on; the server never cleans it up, so entries for ' +
      'deleted devices linger.',
    properties: {
      name: { type: 'string', description: 'Client name, e.g. "Element".' },
      version: { type: 'string', description: 'Client version.' },
      url: {
        type: 'string',
        description: 'Where the web client is served from; absent for desktop and mobile apps.',
      },
    },
    required: ['name', 'version'],
  },
};

/** `im.vector.analytics`: Element's analytics consent and pseudonymous ID. */
export const analyticsSchema: AccountDataSchema = {
  id: 'im.vector.analytics',
  types: ['im.vector.analytics'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Analytics consent (Element)',
    description:
      "Element's analytics consent and the pseudonymous analytics ID shared by the user's sessions.",
    properties: {
      id: {
        type: 'string',
        description: 'Random pseudonymous analytics ID, shared by all Element sessions.',
      },
      pseudonymousAnalyticsOptIn: {
        type: ['boolean', 'null'],
        description:
          'true if the user agreed to pseudonymous analytics, false if they declined, null or absent if not asked yet.',
      },
    },
  },
};

/** `im.vector.setting.breadcrumbs`: recently visited rooms. */
export const breadcrumbsSchema: AccountDataSchema = {
  id: 'im.vector.setting.breadcrumbs',
  types: ['im.vector.setting.breadcrumbs'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Recent rooms (Element breadcrumbs)',
    description: 'Rooms the user visited recently, most recent first.',
    properties: {
      recent_rooms: {
        type: 'array',
        description: 'Most recent first.',
        items: roomIdString('A recently visited room.'),
      },
    },
    required: ['recent_rooms'],
  },
};

/** `im.vector.riot.breadcrumb_rooms`: the older breadcrumbs type, still read as a fallback. */
export const legacyBreadcrumbsSchema: AccountDataSchema = {
  id: 'im.vector.riot.breadcrumb_rooms',
  types: ['im.vector.riot.breadcrumb_rooms'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Recent rooms (legacy Riot breadcrumbs)',
    description:
      'Older form of im.vector.setting.breadcrumbs; Element reads it only when the new one is missing.',
    properties: {
      rooms: {
        type: 'array',
        description: 'Most recent first.',
        items: roomIdString('A recently visited room.'),
      },
    },
    required: ['rooms'],
  },
};

/** `im.vector.setting.integration_provisioning`: whether the integration manager may be used. */
export const integrationProvisioningSchema: AccountDataSchema = {
  id: 'im.vector.setting.integration_provisioning',
  types: ['im.vector.setting.integration_provisioning'],
  scopes: ['global'],
  schema: booleanFlagContent({
    title: 'Integration manager (Element)',
    description: 'Whether Element may use an integration manager to add bots, bridges and widgets.',
    property: 'enabled',
    propertyDescription: 'true to allow the integration manager.',
  }),
};

/** `im.vector.web.settings`: Element Web's account- and room-level settings. */
export const webSettingsSchema: AccountDataSchema = {
  id: 'im.vector.web.settings',
  types: ['im.vector.web.settings'],
  scopes: ['global', 'room'],
  schema: {
    type: 'object',
    title: 'Element Web settings',
    description: "Element Web's settings at account level (global) or for one room: setting name → value.",
    markdownDescription:
      "Element Web's settings stored at account level (global account data) or for one room (room " +
      'account data): a map from setting name to value. Values are whatever the setting uses; unknown ' +
      'names are kept and ignored.',
    additionalProperties: true,
  },
};

/** `io.element.recent_emoji`: Element's recent emoji before `m.recent_emoji`. */
export const elementRecentEmojiSchema: AccountDataSchema = {
  id: 'io.element.recent_emoji',
  types: ['io.element.recent_emoji'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Recent emoji (Element, legacy)',
    description: "Element's recently used emoji: a list of [emoji, count] pairs, most recent first.",
    markdownDescription:
      "Element's recently used emoji, superseded by `m.recent_emoji`: a list of `[emoji, count]` pairs, " +
      'most recent first. Some SDKs (the Dart matrix SDK) write a map from emoji to count instead, so both ' +
      'are accepted.',
    properties: {
      recent_emoji: {
        anyOf: [
          {
            type: 'array',
            items: {
              type: 'array',
              title: '[emoji, count]',
              items: [
                { type: 'string', description: 'The emoji.' },
                { type: 'number', minimum: 0, description: 'How many times it was used.' },
              ],
              minItems: 2,
            },
          },
          {
            type: 'object',
            description: 'Map from emoji to how many times it was used (Dart SDK form).',
            additionalProperties: { type: 'number', minimum: 0 },
          },
        ],
      },
    },
    required: ['recent_emoji'],
  },
};

/** `m.widgets`: the user's personal widgets (sticker picker, integration manager). */
export const userWidgetsSchema: AccountDataSchema = {
  id: 'm.widgets',
  types: ['m.widgets'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Personal widgets (m.widgets)',
    description: 'Widgets that belong to the user rather than a room: widget ID → widget state event.',
    markdownDescription:
      'Widgets that belong to the user rather than to a room, such as the sticker picker. Each value ' +
      'copies the shape of an `m.widget` state event.\n\nShared map written with read-modify-write: ' +
      're-read it just before saving.',
    additionalProperties: {
      type: 'object',
      title: 'Widget',
      properties: {
        type: { type: 'string', examples: ['m.widget'], description: 'Always "m.widget".' },
        id: { type: 'string', description: 'The widget ID (same as the key).' },
        state_key: { type: 'string', description: 'The widget ID again, as in room widget state events.' },
        sender: userIdString('The user who added the widget.'),
        content: {
          type: 'object',
          title: 'Widget definition',
          properties: {
            type: {
              type: 'string',
              description: 'Kind of widget.',
              examples: ['m.stickerpicker', 'm.integration_manager', 'm.custom'],
            },
            url: { type: 'string', description: 'URL template of the widget, with $variables.' },
            name: { type: 'string', description: 'Display name.' },
            data: { type: 'object', description: 'Values for the URL template variables.' },
          },
          required: ['type', 'url'],
        },
      },
      required: ['content'],
    },
  },
};

/** `im.ponies.user_emotes`: the user's personal image pack (MSC2545). */
export const userEmotesSchema: AccountDataSchema = {
  id: 'im.ponies.user_emotes',
  types: ['im.ponies.user_emotes'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Personal image pack (MSC2545)',
    description: "The user's own custom emoji and stickers, available in every room.",
    markdownDescription:
      "The user's own custom emoji and stickers (MSC2545 image pack). Very old clients wrote a `short` " +
      'map from `:shortcode:` to mxc URI instead of `images`.',
    properties: {
      pack: {
        type: 'object',
        title: 'Pack metadata',
        properties: {
          display_name: { type: 'string', description: 'Name of the pack.' },
          avatar_url: mxcUriString('Avatar of the pack.'),
          usage: {
            type: 'array',
            description: 'Default usage of the images: inline emoticons, stickers, or both.',
            items: { type: 'string', examples: ['emoticon', 'sticker'] },
          },
          attribution: { type: 'string', description: 'Credit for the images.' },
        },
      },
      images: {
        type: 'object',
        title: 'Images by shortcode',
        description: 'Map from shortcode (without colons) to image.',
        additionalProperties: {
          type: 'object',
          properties: {
            url: mxcUriString('The image.'),
            body: { type: 'string', description: 'Text fallback / alt text.' },
            info: { type: 'object', description: 'Image info (w, h, mimetype, size) as in m.image events.' },
            usage: { type: 'array', items: { type: 'string', examples: ['emoticon', 'sticker'] } },
          },
          required: ['url'],
        },
      },
      short: {
        type: 'object',
        description: 'Legacy: map from ":shortcode:" to mxc URI.',
        additionalProperties: mxcUriString('The image.'),
      },
    },
  },
};

/** `io.element.synapse.admin_client_config`: Synapse admin-only client options. */
export const adminClientConfigSchema: AccountDataSchema = {
  id: 'io.element.synapse.admin_client_config',
  types: ['io.element.synapse.admin_client_config'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Synapse admin client options',
    description: 'Options Synapse honours for server admins only; ignored for other users.',
    properties: {
      return_soft_failed_events: {
        type: 'boolean',
        description: 'Include soft-failed events in sync and messages (for moderation tools).',
      },
      return_policy_server_spammy_events: {
        type: 'boolean',
        description: 'Include events the policy server marked as spam.',
      },
    },
  },
};

const previewUrlsContent = (where: string): JsonSchema =>
  booleanFlagContent({
    title: `URL previews (Element, ${where})`,
    description: `Whether URL previews are turned off ${where}. A non-boolean means "no preference".`,
    property: 'disable',
    propertyDescription: 'true to turn URL previews off.',
  });

/** `org.matrix.preview_urls`: Element's account-wide URL-preview switch. */
export const previewUrlsSchema: AccountDataSchema = {
  id: 'org.matrix.preview_urls',
  types: ['org.matrix.preview_urls'],
  scopes: ['global'],
  schema: previewUrlsContent('for the whole account'),
};

/** `org.matrix.room.preview_urls`: Element's per-room URL-preview switch. */
export const roomPreviewUrlsSchema: AccountDataSchema = {
  id: 'org.matrix.room.preview_urls',
  types: ['org.matrix.room.preview_urls'],
  scopes: ['room'],
  schema: previewUrlsContent('in this room'),
};

/** `org.matrix.msc3230.space_order`: the user's ordering of a top-level space. */
export const spaceOrderSchema: AccountDataSchema = {
  id: 'org.matrix.msc3230.space_order',
  types: ['org.matrix.msc3230.space_order'],
  scopes: ['room'],
  schema: {
    type: 'object',
    title: 'Space order (MSC3230)',
    description: 'Where this space sits in the user’s list of top-level spaces; spaces sort by this string.',
    properties: {
      order: {
        type: 'string',
        maxLength: 50,
        pattern: '^[ -~]*$',
        patternErrorMessage: 'Only printable ASCII characters (space to ~) are allowed.',
        description:
          'Sort key: printable ASCII (0x20–0x7E), at most 50 characters. Clients ignore invalid values.',
      },
    },
    required: ['order'],
  },
};

/** `im.vector.setting.allowed_widgets`: which room widgets the user allowed to load. */
export const allowedWidgetsSchema: AccountDataSchema = {
  id: 'im.vector.setting.allowed_widgets',
  types: ['im.vector.setting.allowed_widgets'],
  scopes: ['room'],
  schema: {
    type: 'object',
    title: 'Allowed widgets (Element)',
    description:
      'Room widgets the user allowed (true) or revoked (false), keyed by the widget state event ID.',
    markdownDescription:
      'Room widgets the user allowed (`true`) or revoked (`false`). Element stores the map directly as ' +
      'the content: widget **state event ID** → boolean. Widgets added by the user themselves load without an entry.',
    propertyNames: eventIdKeys,
    additionalProperties: { type: 'boolean', description: 'true if the widget may load.' },
  },
};

/** Schemas for unstable and client-specific types. */
export const vendorSchemas: readonly AccountDataSchema[] = [
  backupDisabledSchema,
  elementRecoverySchema,
  msc4155InvitePermissionSchema,
  localNotificationSettingsSchema,
  clientInformationSchema,
  analyticsSchema,
  breadcrumbsSchema,
  legacyBreadcrumbsSchema,
  integrationProvisioningSchema,
  webSettingsSchema,
  elementRecentEmojiSchema,
  userWidgetsSchema,
  userEmotesSchema,
  adminClientConfigSchema,
  previewUrlsSchema,
  roomPreviewUrlsSchema,
  spaceOrderSchema,
  allowedWidgetsSchema,
];
