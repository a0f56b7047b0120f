/**
 * Schema for `m.push_rules` (spec "Push rules"): the rule set, rules, conditions and actions.
 *
 * The server synthesises this entry from its own tables and refuses writes to it (use /pushrules),
 * so the schema is mainly for reading: hovers explain each field, and warnings show rules that the
 * server would not evaluate as the user expects.
 */
import type { AccountDataSchema, JsonSchema } from './json-schema';

const requireFor = (kind: string, required: readonly string[]): JsonSchema => ({
  if: { properties: { kind: { const: kind } }, required: ['kind'] },
  then: { required },
});

/** A push condition; which other fields are required depends on `kind`. */
export const pushConditionSchema: JsonSchema = {
  type: 'object',
  title: 'Push condition',
  description: 'A condition that must hold for the rule to match. Unknown kinds never match.',
  properties: {
    kind: {
      type: 'string',
      description: 'The kind of condition.',
      examples: [
        'event_match',
        'event_property_is',
        'event_property_contains',
        'contains_display_name',
        'room_member_count',
        'sender_notification_permission',
      ],
    },
    key: {
      type: 'string',
      description:
        'Dot-separated path of the event field to test (event_match, event_property_is, event_property_contains), or the notifications power-level key (sender_notification_permission). Escape a literal dot with a backslash, e.g. content.m\\.mentions.user_ids.',
      examples: ['content.body', 'type', 'content.m\\.mentions.user_ids'],
    },
    pattern: {
      type: 'string',
      description: 'Glob (* and ?) matched against the field, for event_match.',
    },
    is: {
      type: 'string',
      pattern: '^(?:==|<=|>=|<|>)?[0-9]+$',
      patternErrorMessage: 'Expected a member count such as "2", "<10" or ">=3".',
      description: 'Member count, optionally prefixed by ==, <, >, <= or >=, for room_member_count.',
    },
    value: {
      type: ['string', 'integer', 'boolean', 'null'],
      description: 'Exact value to compare with, for event_property_is and event_property_contains.',
    },
  },
  required: ['kind'],
  allOf: [
    requireFor('event_match', ['key', 'pattern']),
    requireFor('event_property_is', ['key', 'value']),
    requireFor('event_property_contains', ['key', 'value']),
    requireFor('room_member_count', ['is']),
    requireFor('sender_notification_permission', ['key']),
  ],
};

/** A push action: a string such as "notify", or a tweak object. */
export const pushActionSchema: JsonSchema = {
  anyOf: [
    {
      type: 'string',
      description: '"notify" causes a notification; "dont_notify" and "coalesce" are obsolete and ignored.',
      examples: ['notify'],
    },
    {
      type: 'object',
      title: 'Tweak',
      description: 'Changes how the notification is presented.',
      properties: {
        set_tweak: { type: 'string', description: 'The tweak to set.', examples: ['sound', 'highlight'] },
        value: {
          description: 'Value of the tweak: a sound name for sound, a boolean (default true) for highlight.',
        },
      },
    },
  ],
};

/** A push rule. */
export const pushRuleSchema: JsonSchema = {
  type: 'object',
  title: 'Push rule',
  properties: {
    rule_id: {
      type: 'string',
      description:
        'ID of the rule; server-default rules start with ".m.rule.". For room and sender rules it is the room or user ID.',
    },
    default: {
      type: 'boolean',
      description: 'Whether this is a server-default rule rather than one the user set.',
    },
    enabled: { type: 'boolean', description: 'Whether the rule is evaluated.' },
    actions: {
      type: 'array',
      description: 'What to do when the rule matches; empty means "do not notify".',
      items: pushActionSchema,
    },
    conditions: {
      type: 'array',
      description:
        'All must hold for the rule to match; no conditions matches every event. Override and underride rules only.',
      items: pushConditionSchema,
    },
    pattern: { type: 'string', description: 'Glob matched against content.body, for content rules only.' },
  },
  required: ['actions', 'default', 'enabled', 'rule_id'],
};

const ruleList = (description: string, rule: JsonSchema = pushRuleSchema): JsonSchema => ({
  type: 'array',
  description,
  items: rule,
});

/** A rule set: five kinds of rules, evaluated in the order listed. */
export const pushRulesetSchema: JsonSchema = {
  type: 'object',
  title: 'Push rule set',
  properties: {
    override: ruleList('Highest priority; evaluated first.'),
    content: ruleList('Match the message body with a glob.', {
      allOf: [pushRuleSchema, { required: ['pattern'] }],
    }),
    room: ruleList('Apply to all events in one room; rule_id is the room ID.'),
    sender: ruleList('Apply to all events from one user; rule_id is the user ID.'),
    underride: ruleList('Lowest priority; evaluated last.'),
  },
};

/** `m.push_rules`: the user's push rules (server-managed). */
export const pushRulesSchema: AccountDataSchema = {
  id: 'm.push_rules',
  types: ['m.push_rules'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Push rules (m.push_rules)',
    description:
      "The user's push rules. Server-managed: written through the /pushrules API, not account data.",
    markdownDescription:
      "The user's push rules.\n\n**Server-managed.** The server builds this entry from its push-rule " +
      'tables and refuses `PUT` with `405`; change rules through `/pushrules/global/{kind}/{ruleId}`.',
    properties: {
      global: { ...pushRulesetSchema, description: 'The rules that apply on every device.' },
    },
  },
};
