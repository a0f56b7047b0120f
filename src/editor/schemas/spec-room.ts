/**
 * Schemas for room account-data types defined by the Matrix spec (v1.20), plus unstable twins.
 */
import { booleanFlagContent, eventIdString } from './common';
import type { AccountDataSchema } from './json-schema';

/** `m.tag`: the user's tags on a room. */
export const tagSchema: AccountDataSchema = {
  id: 'm.tag',
  types: ['m.tag'],
  scopes: ['room'],
  schema: {
    type: 'object',
    title: 'Room tags (m.tag)',
    description: 'Tags the user put on this room (favourite, low priority, custom tags).',
    markdownDescription:
      'Tags the user put on this room.\n\n**Write through the tags API.** Synapse keeps tags in a separate ' +
      'table and synthesises this entry in sync; a raw account-data `PUT` creates a second, shadow `m.tag` ' +
      'instead of changing the tags. Use `PUT/DELETE /user/{userId}/rooms/{roomId}/tags/{tag}`.',
    properties: {
      tags: {
        type: 'object',
        title: 'Tags',
        description:
          'Map from tag name to its details. m.favourite, m.lowpriority and m.server_notice are defined by the spec; u.* names are user-defined; other names should be namespaced.',
        additionalProperties: {
          type: 'object',
          title: 'Tag',
          properties: {
            order: {
              type: 'number',
              minimum: 0,
              maximum: 1,
              description:
                'Position of the room among rooms with this tag, a number in [0, 1]; rooms without order sort after.',
            },
          },
        },
      },
    },
  },
};

/** `m.fully_read`: the read marker (server-managed). */
export const fullyReadSchema: AccountDataSchema = {
  id: 'm.fully_read',
  types: ['m.fully_read'],
  scopes: ['room'],
  schema: {
    type: 'object',
    title: 'Read marker (m.fully_read)',
    description:
      "Where the user's read marker is in this room. Server-managed: set it with POST /rooms/{roomId}/read_markers.",
    markdownDescription:
      'Where the user\'s read marker ("fully read" line) is in this room.\n\n**Server-managed.** Synapse ' +
      'refuses `PUT` with `405`; move it with `POST /rooms/{roomId}/read_markers {"m.fully_read": "$event"}`.',
    properties: {
      event_id: eventIdString('The event the read marker is at.'),
    },
    required: ['event_id'],
  },
};

/** `m.marked_unread` (v1.12) and the unstable `com.famedly.marked_unread`. */
export const markedUnreadSchema: AccountDataSchema = {
  id: 'm.marked_unread',
  types: ['m.marked_unread', 'com.famedly.marked_unread'],
  scopes: ['room'],
  schema: booleanFlagContent({
    title: 'Marked as unread (m.marked_unread)',
    description: 'Whether the user explicitly marked this room as unread.',
    markdownDescription:
      'Whether the user explicitly marked this room as unread. Clients clear it when the user opens the ' +
      'room. Some clients still use the unstable name `com.famedly.marked_unread`.',
    property: 'unread',
    propertyDescription: 'true while the room is marked unread.',
  }),
};

/** Schemas for spec-defined room types. */
export const specRoomSchemas: readonly AccountDataSchema[] = [tagSchema, fullyReadSchema, markedUnreadSchema];
