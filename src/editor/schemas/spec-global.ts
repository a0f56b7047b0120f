/**
 * Schemas for global account-data types defined by the Matrix spec (client-server API, v1.20),
 * plus their unstable twins where clients still write those.
 */
import { booleanFlagContent, roomIdKeys, roomIdString, userIdKeys, USER_ID_PATTERN } from './common';
import type { AccountDataSchema, JsonSchema } from './json-schema';

/** `m.direct`: which rooms are DMs with whom. */
export const directSchema: AccountDataSchema = {
  id: 'm.direct',
  types: ['m.direct'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Direct chats (m.direct)',
    description: 'Map from user ID to the IDs of the rooms that are direct chats with that user.',
    markdownDescription:
      'Map from user ID to the IDs of the rooms that are direct chats with that user.\n\n' +
      'Shared by every client and written with read-modify-write: re-read it just before saving, or a ' +
      'concurrent change from another device is lost. Synapse reads it to set `is_dm` on invites.\n\n' +
      'Keys that are not user IDs occur in the wild (Element keys DMs with invited e-mail addresses by ' +
      'the address), so they are allowed.',
    patternProperties: {
      [USER_ID_PATTERN]: {
        type: 'array',
        title: 'Direct rooms with this user',
        items: roomIdString('A room that is a direct chat with this user.'),
      },
    },
    additionalProperties: {
      type: 'array',
      title: 'Direct rooms with this third party',
      description: 'Rooms for a key that is not a user ID (e.g. an e-mail address of an invited user).',
      items: roomIdString('A room that is a direct chat with this contact.'),
    },
  },
};

/** `m.ignored_user_list`: users whose events the server hides. */
export const ignoredUserListSchema: AccountDataSchema = {
  id: 'm.ignored_user_list',
  types: ['m.ignored_user_list'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Ignored users (m.ignored_user_list)',
    description: 'Users whose events and invites the homeserver hides from this account.',
    markdownDescription:
      'Users whose events and invites the homeserver hides from this account.\n\n' +
      'The server mirrors this into its own table when it is written. Synapse rejects a list that ' +
      'contains your own user ID (`400 M_INVALID_PARAM`, "You cannot ignore yourself").',
    properties: {
      ignored_users: {
        type: 'object',
        title: 'Ignored users',
        description: 'Map from user ID to an empty object (reserved for future use).',
        propertyNames: userIdKeys,
        additionalProperties: { type: 'object', description: 'Reserved; write {}.' },
      },
    },
    required: ['ignored_users'],
  },
};

/** `m.identity_server`: the preferred identity server, or none. */
export const identityServerSchema: AccountDataSchema = {
  id: 'm.identity_server',
  types: ['m.identity_server'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Identity server (m.identity_server)',
    description: 'The identity server the user prefers, or null to use none.',
    properties: {
      base_url: {
        anyOf: [{ type: 'string', format: 'uri' }, { type: 'null' }],
        description:
          'Base URL of the identity server, like the identity server base_url in .well-known/matrix/client; null means "do not use an identity server".',
        examples: ['https://vector.im', null],
      },
    },
  },
};

/** `m.accepted_terms`: terms-of-service URLs already accepted. */
export const acceptedTermsSchema: AccountDataSchema = {
  id: 'm.accepted_terms',
  types: ['m.accepted_terms'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Accepted terms (m.accepted_terms)',
    description: 'URLs of terms of service the user has accepted, so clients do not ask again.',
    properties: {
      accepted: {
        type: 'array',
        description: 'Terms URLs the user has accepted; clients append to it.',
        items: { type: 'string', format: 'uri' },
      },
    },
  },
};

/** `m.invite_permission_config` (v1.18, MSC4380): block all invites. */
export const invitePermissionConfigSchema: AccountDataSchema = {
  id: 'm.invite_permission_config',
  types: ['m.invite_permission_config'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Invite permission (m.invite_permission_config)',
    description: 'Whether the homeserver should reject all room invites for this account.',
    markdownDescription:
      'Whether the homeserver should reject all room invites for this account.\n\n' +
      'Only `"block"` has a meaning; a missing or any other value means invites are received as normal. ' +
      'On Synapse an entry here, even `{}`, takes precedence over `org.matrix.msc4155.invite_permission_config`.',
    properties: {
      default_action: {
        type: 'string',
        description: '"block" rejects every invite; anything else (or nothing) allows invites.',
        examples: ['block'],
      },
    },
  },
};

const recentEmojiItem: JsonSchema = {
  type: 'object',
  title: 'Recently used emoji',
  properties: {
    emoji: {
      type: 'string',
      description:
        'The Unicode emoji; clients may also store an mxc:// URI for a custom image and must preserve those.',
      examples: ['🚀'],
    },
    total: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 2 ** 53,
      description: 'How many times it has been used (non-negative, below 2^53).',
    },
  },
  required: ['emoji', 'total'],
};

/** `m.recent_emoji` (v1.18, MSC4356) and its unstable name. */
export const recentEmojiSchema: AccountDataSchema = {
  id: 'm.recent_emoji',
  types: ['m.recent_emoji', 'io.github.johennes.msc4356.recent_emoji'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Recent emoji (m.recent_emoji)',
    description: 'Emoji the user used recently, shared between clients for suggestions.',
    markdownDescription:
      'Emoji the user used recently, shared between clients for suggestions.\n\n' +
      'Ordered by last use, most recent first; clients should keep at most 100 entries. Element also ' +
      'writes the older `io.element.recent_emoji` (a list of `[emoji, count]` pairs).',
    properties: {
      recent_emoji: { type: 'array', description: 'Most recently used first.', items: recentEmojiItem },
    },
    required: ['recent_emoji'],
  },
};

/** `m.image_pack.rooms` (v1.19, MSC2545) and the unstable `im.ponies.emote_rooms`. */
export const imagePackRoomsSchema: AccountDataSchema = {
  id: 'm.image_pack.rooms',
  types: ['m.image_pack.rooms', 'im.ponies.emote_rooms'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Enabled room image packs (m.image_pack.rooms)',
    description: 'Room image packs the user enabled everywhere: room ID → pack state key → {}.',
    properties: {
      rooms: {
        type: 'object',
        description:
          'Map from room ID to a map from the state key of an m.room.image_pack event to an object reserved for future use (preserve unknown properties).',
        propertyNames: roomIdKeys,
        additionalProperties: {
          type: 'object',
          title: 'Packs enabled from this room',
          description: 'State key of the image-pack state event ("" for the default pack) → {}.',
          additionalProperties: { type: 'object' },
        },
      },
    },
    required: ['rooms'],
  },
};

/** `m.key_backup` (v1.19, MSC4287): the user's key-backup choice. */
export const keyBackupSchema: AccountDataSchema = {
  id: 'm.key_backup',
  types: ['m.key_backup'],
  scopes: ['global'],
  schema: booleanFlagContent({
    title: 'Key backup preference (m.key_backup)',
    description:
      'Whether the user chose to back up their room keys; applied when they sign in on a new device.',
    markdownDescription:
      'Whether the user chose to back up their room keys; applied when they sign in on a new device.\n\n' +
      'Element also writes the unstable `m.org.matrix.custom.backup_disabled` with the **opposite** sense; ' +
      'the two should agree.',
    property: 'enabled',
    propertyDescription: 'true if the user enabled key backup, false if they disabled it.',
  }),
};

/** `m.media_preview_config` (MSC4278) and Element's unstable name; global, with per-room overrides. */
export const mediaPreviewConfigSchema: AccountDataSchema = {
  id: 'm.media_preview_config',
  types: ['m.media_preview_config', 'io.element.msc4278.media_preview_config'],
  scopes: ['global', 'room'],
  schema: {
    type: 'object',
    title: 'Media previews (m.media_preview_config)',
    description:
      'Whether media and invite avatars are shown automatically. Room account data overrides the global value per property.',
    markdownDescription:
      'Whether media and invite avatars are shown automatically. In room account data it overrides the ' +
      'global value for each property it sets.\n\nBoth default to `"on"`; clients treat unknown values as `"off"`.',
    properties: {
      media_previews: {
        type: 'string',
        enum: ['on', 'private', 'off'],
        enumDescriptions: [
          'Always show media.',
          'Show media only in rooms that are not public.',
          'Never show media automatically.',
        ],
        default: 'on',
        description: 'Whether media in rooms is shown automatically.',
      },
      invite_avatars: {
        type: 'string',
        enum: ['on', 'off'],
        default: 'on',
        description: 'Whether avatars of rooms you are invited to are shown.',
      },
    },
  },
};

/** Schemas for spec-defined global types. */
export const specGlobalSchemas: readonly AccountDataSchema[] = [
  directSchema,
  ignoredUserListSchema,
  identityServerSchema,
  acceptedTermsSchema,
  invitePermissionConfigSchema,
  recentEmojiSchema,
  imagePackRoomsSchema,
  keyBackupSchema,
  mediaPreviewConfigSchema,
];
