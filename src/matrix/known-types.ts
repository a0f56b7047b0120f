/**
 * Catalogue of well-known account-data types (docs/protocol.md §8) and the predicates the inspector needs:
 * which types are server-managed, which hold secrets, which are per-device, and the effective
 * key-backup preference (docs/protocol.md §6).
 */
import type { AccountDataScope, JsonObject } from './types.ts';

// --- Spec, global (docs/protocol.md §8) ---
/** DM map `{"@user:x":["!room:x"]}`; read by the server for `is_dm`. */
export const M_DIRECT = 'm.direct';
/** Push rules; server-managed (write through `/pushrules`). */
export const M_PUSH_RULES = 'm.push_rules';
/** `{"ignored_users":{…}}`; validated and mirrored by the server. */
export const M_IGNORED_USER_LIST = 'm.ignored_user_list';
/** Account-data type `m.identity_server` (docs/protocol.md §8). */
export const M_IDENTITY_SERVER = 'm.identity_server';
/** Account-data type `m.accepted_terms` (docs/protocol.md §8). */
export const M_ACCEPTED_TERMS = 'm.accepted_terms';
/** Spec v1.18, MSC4380. */
export const M_INVITE_PERMISSION_CONFIG = 'm.invite_permission_config';
/** Spec v1.18. */
export const M_RECENT_EMOJI = 'm.recent_emoji';
/** Spec v1.19. */
export const M_IMAGE_PACK_ROOMS = 'm.image_pack.rooms';
/** Spec v1.19 (MSC4287): `{"enabled":bool}`. */
export const M_KEY_BACKUP = 'm.key_backup';
/** Account-data type `m.secret_storage.default_key` (docs/protocol.md §8). */
export const M_SECRET_STORAGE_DEFAULT_KEY = 'm.secret_storage.default_key';
/** Prefix of `m.secret_storage.key.<keyId>` (key metadata). */
export const M_SECRET_STORAGE_KEY_PREFIX = 'm.secret_storage.key.';
/** Account-data type `m.cross_signing.master` (docs/protocol.md §8). */
export const M_CROSS_SIGNING_MASTER = 'm.cross_signing.master';
/** Account-data type `m.cross_signing.self_signing` (docs/protocol.md §8). */
export const M_CROSS_SIGNING_SELF_SIGNING = 'm.cross_signing.self_signing';
/** Account-data type `m.cross_signing.user_signing` (docs/protocol.md §8). */
export const M_CROSS_SIGNING_USER_SIGNING = 'm.cross_signing.user_signing';
/** Account-data type `m.megolm_backup.v1` (docs/protocol.md §8). */
export const M_MEGOLM_BACKUP_V1 = 'm.megolm_backup.v1';

// --- Spec, room ---
/** Read marker; server-managed (write through `/rooms/{roomId}/read_markers`). */
export const M_FULLY_READ = 'm.fully_read';
/** Room tags; on Synapse synthesized from the tags table (docs/protocol.md §2). */
export const M_TAG = 'm.tag';
/** Spec v1.12. */
export const M_MARKED_UNREAD = 'm.marked_unread';
/** Account-data type `com.famedly.marked_unread` (docs/protocol.md §8). */
export const COM_FAMEDLY_MARKED_UNREAD = 'com.famedly.marked_unread';

// --- Unstable and vendor ---
/** MSC4287 unstable, reversed sense: `{"disabled":bool}`. The `m.` prefix is historical. */
export const BACKUP_DISABLED = 'm.org.matrix.custom.backup_disabled';
/** Account-data type `io.element.recovery` (docs/protocol.md §8). */
export const IO_ELEMENT_RECOVERY = 'io.element.recovery';
/** Dehydrated-device pickle key (secret). */
export const ORG_MATRIX_MSC3814 = 'org.matrix.msc3814';
/** Account-data type `org.matrix.msc4155.invite_permission_config` (docs/protocol.md §8). */
export const MSC4155_INVITE_PERMISSION_CONFIG = 'org.matrix.msc4155.invite_permission_config';
/** Prefix; the device ID follows (MSC3890). */
export const MSC3890_LOCAL_NOTIFICATION_SETTINGS_PREFIX = 'org.matrix.msc3890.local_notification_settings.';
/** Stable form of {@link MSC3890_LOCAL_NOTIFICATION_SETTINGS_PREFIX}. */
export const M_LOCAL_NOTIFICATION_SETTINGS_PREFIX = 'm.local_notification_settings.';
/** Prefix; the device ID follows (Element Web). */
export const ELEMENT_CLIENT_INFORMATION_PREFIX = 'io.element.matrix_client_information.';
/** Account-data type `im.vector.analytics` (docs/protocol.md §8). */
export const IM_VECTOR_ANALYTICS = 'im.vector.analytics';
/** Account-data type `im.vector.setting.breadcrumbs` (docs/protocol.md §8). */
export const IM_VECTOR_BREADCRUMBS = 'im.vector.setting.breadcrumbs';
/** Account-data type `im.vector.riot.breadcrumb_rooms` (docs/protocol.md §8). */
export const IM_VECTOR_RIOT_BREADCRUMB_ROOMS = 'im.vector.riot.breadcrumb_rooms';
/** Account-data type `im.vector.setting.integration_provisioning` (docs/protocol.md §8). */
export const IM_VECTOR_INTEGRATION_PROVISIONING = 'im.vector.setting.integration_provisioning';
/** Account-data type `im.vector.web.settings` (docs/protocol.md §8). */
export const IM_VECTOR_WEB_SETTINGS = 'im.vector.web.settings';
/** Account-data type `io.element.recent_emoji` (docs/protocol.md §8). */
export const IO_ELEMENT_RECENT_EMOJI = 'io.element.recent_emoji';
/** Account-data type `io.element.msc4278.media_preview_config` (docs/protocol.md §8). */
export const MSC4278_MEDIA_PREVIEW_CONFIG = 'io.element.msc4278.media_preview_config';
/** Account-data type `m.media_preview_config` (docs/protocol.md §8). */
export const M_MEDIA_PREVIEW_CONFIG = 'm.media_preview_config';
/** Account-data type `m.widgets` (docs/protocol.md §8). */
export const M_WIDGETS = 'm.widgets';
/** Account-data type `im.ponies.user_emotes` (docs/protocol.md §8). */
export const IM_PONIES_USER_EMOTES = 'im.ponies.user_emotes';
/** Account-data type `im.ponies.emote_rooms` (docs/protocol.md §8). */
export const IM_PONIES_EMOTE_ROOMS = 'im.ponies.emote_rooms';
/** Account-data type `m.policies` (docs/protocol.md §8). */
export const M_POLICIES = 'm.policies';
/** Account-data type `org.matrix.msc3847.policies` (docs/protocol.md §8). */
export const MSC3847_POLICIES = 'org.matrix.msc3847.policies';
/** Account-data type `io.element.synapse.admin_client_config` (docs/protocol.md §8). */
export const SYNAPSE_ADMIN_CLIENT_CONFIG = 'io.element.synapse.admin_client_config';
/** Account-data type `org.matrix.msc3230.space_order` (docs/protocol.md §8). */
export const MSC3230_SPACE_ORDER = 'org.matrix.msc3230.space_order';
/** Account-data type `im.vector.setting.allowed_widgets` (docs/protocol.md §8). */
export const IM_VECTOR_ALLOWED_WIDGETS = 'im.vector.setting.allowed_widgets';

/** Which scopes a catalogue entry applies to. */
export type KnownTypeScope = 'global' | 'room' | 'both';

/** One catalogue entry. */
export type KnownType = {
  /** Exact type, or the prefix when {@link isPrefix} is set. */
  type: string;
  isPrefix?: boolean;
  scope: KnownTypeScope;
  /** Short human description for tooltips. */
  description: string;
  /** Where it is defined: a spec version or an MSC / vendor. */
  source: string;
  /** [S] holds 4S-encrypted secrets: never show in plaintext, warn before editing. */
  isSecret?: boolean;
  /** [SM] written through a dedicated API; PUT/DELETE are refused (or routed for `m.tag`). */
  isServerManaged?: boolean;
  /** [SV] read or validated by the server. */
  isServerValidated?: boolean;
  /** Content is a per-device entry whose device ID is the type's suffix. */
  isPerDevice?: boolean;
  /** A shared map written last-writer-wins: re-GET just before writing (docs/protocol.md §2, §8 rule 4). */
  isSharedMap?: boolean;
};

/** The catalogue (docs/protocol.md §8). */
export const KNOWN_TYPES: readonly KnownType[] = [
  {
    type: M_DIRECT,
    scope: 'global',
    source: 'spec',
    isServerValidated: true,
    isSharedMap: true,
    description: 'Direct-message rooms per user; the server reads it for is_dm.',
  },
  {
    type: M_PUSH_RULES,
    scope: 'global',
    source: 'spec',
    isServerManaged: true,
    description: 'Push rules, synthesized by the server; edit them through the /pushrules API.',
  },
  {
    type: M_IGNORED_USER_LIST,
    scope: 'global',
    source: 'spec',
    isServerValidated: true,
    isSharedMap: true,
    description: 'Users whose events are hidden; mirrored into a server table.',
  },
  {
    type: M_IDENTITY_SERVER,
    scope: 'global',
    source: 'spec',
    description: 'The identity server the user chose (base_url or null).',
  },
  {
    type: M_ACCEPTED_TERMS,
    scope: 'global',
    source: 'spec',
    description: 'Terms-of-service URLs the user accepted.',
  },
  {
    type: M_INVITE_PERMISSION_CONFIG,
    scope: 'global',
    source: 'spec v1.18 (MSC4380)',
    isServerValidated: true,
    description: 'Invite blocking: {"default_action":"block"} blocks invites.',
  },
  {
    type: M_RECENT_EMOJI,
    scope: 'global',
    source: 'spec v1.18',
    description: 'Recently used emoji, most recent first.',
  },
  {
    type: M_IMAGE_PACK_ROOMS,
    scope: 'global',
    source: 'spec v1.19',
    description: 'Image packs from rooms enabled for this account.',
  },
  {
    type: M_KEY_BACKUP,
    scope: 'global',
    source: 'spec v1.19 (MSC4287)',
    description: 'Whether server-side key backup should be on.',
  },
  {
    type: M_SECRET_STORAGE_DEFAULT_KEY,
    scope: 'global',
    source: 'spec',
    isSecret: true,
    description: 'ID of the default secret-storage key ({} = recovery disabled).',
  },
  {
    type: M_SECRET_STORAGE_KEY_PREFIX,
    isPrefix: true,
    scope: 'global',
    source: 'spec',
    isSecret: true,
    description: 'Secret-storage key metadata (algorithm, passphrase parameters, MAC).',
  },
  {
    type: M_CROSS_SIGNING_MASTER,
    scope: 'global',
    source: 'spec',
    isSecret: true,
    description: 'Encrypted cross-signing master private key.',
  },
  {
    type: M_CROSS_SIGNING_SELF_SIGNING,
    scope: 'global',
    source: 'spec',
    isSecret: true,
    description: 'Encrypted cross-signing self-signing private key.',
  },
  {
    type: M_CROSS_SIGNING_USER_SIGNING,
    scope: 'global',
    source: 'spec',
    isSecret: true,
    description: 'Encrypted cross-signing user-signing private key.',
  },
  {
    type: M_MEGOLM_BACKUP_V1,
    scope: 'global',
    source: 'spec',
    isSecret: true,
    description: 'Encrypted key-backup private key.',
  },
  {
    type: M_FULLY_READ,
    scope: 'room',
    source: 'spec',
    isServerManaged: true,
    description: 'Read marker; written through /rooms/{roomId}/read_markers.',
  },
  {
    type: M_TAG,
    scope: 'room',
    source: 'spec',
    isServerManaged: true,
    description: 'Room tags (favourite, low priority, custom); written through the tags API.',
  },
  {
    type: M_MARKED_UNREAD,
    scope: 'room',
    source: 'spec v1.12',
    description: 'Room manually marked as unread.',
  },
  {
    type: COM_FAMEDLY_MARKED_UNREAD,
    scope: 'room',
    source: 'MSC2867 (unstable)',
    description: 'Room manually marked as unread (unstable name).',
  },
  {
    type: BACKUP_DISABLED,
    scope: 'global',
    source: 'MSC4287 (unstable)',
    description: 'Key backup disabled (reversed sense of m.key_backup).',
  },
  {
    type: IO_ELEMENT_RECOVERY,
    scope: 'global',
    source: 'Element',
    description: 'Whether recovery is set up (Element).',
  },
  {
    type: ORG_MATRIX_MSC3814,
    scope: 'global',
    source: 'MSC3814',
    isSecret: true,
    description: 'Encrypted dehydrated-device pickle key.',
  },
  {
    type: MSC4155_INVITE_PERMISSION_CONFIG,
    scope: 'global',
    source: 'MSC4155 (unstable)',
    isServerValidated: true,
    description: 'Invite filtering by user/server globs.',
  },
  {
    type: MSC3890_LOCAL_NOTIFICATION_SETTINGS_PREFIX,
    isPrefix: true,
    scope: 'global',
    source: 'MSC3890 (unstable)',
    isPerDevice: true,
    description: 'Per-device notification silencing; deleted with the device.',
  },
  {
    type: M_LOCAL_NOTIFICATION_SETTINGS_PREFIX,
    isPrefix: true,
    scope: 'global',
    source: 'MSC3890',
    isPerDevice: true,
    description: 'Per-device notification silencing; deleted with the device.',
  },
  {
    type: ELEMENT_CLIENT_INFORMATION_PREFIX,
    isPrefix: true,
    scope: 'global',
    source: 'Element',
    isPerDevice: true,
    description: 'Client name/version of one device (Element); never cleaned by the server.',
  },
  {
    type: IM_VECTOR_ANALYTICS,
    scope: 'global',
    source: 'Element',
    description: 'Analytics opt-in and pseudonymous ID.',
  },
  { type: IM_VECTOR_BREADCRUMBS, scope: 'global', source: 'Element', description: 'Recently visited rooms.' },
  {
    type: IM_VECTOR_RIOT_BREADCRUMB_ROOMS,
    scope: 'global',
    source: 'Element (legacy)',
    description: 'Recently visited rooms (legacy form).',
  },
  {
    type: IM_VECTOR_INTEGRATION_PROVISIONING,
    scope: 'global',
    source: 'Element',
    description: 'Whether integration managers are enabled.',
  },
  {
    type: IM_VECTOR_WEB_SETTINGS,
    scope: 'global',
    source: 'Element Web',
    description: 'Element Web account-level settings.',
  },
  {
    type: IO_ELEMENT_RECENT_EMOJI,
    scope: 'global',
    source: 'Element',
    description: 'Recently used emoji as [emoji, count] pairs.',
  },
  {
    type: MSC4278_MEDIA_PREVIEW_CONFIG,
    scope: 'both',
    source: 'MSC4278 (unstable)',
    description: 'Media preview and invite avatar preferences.',
  },
  {
    type: M_MEDIA_PREVIEW_CONFIG,
    scope: 'both',
    source: 'MSC4278',
    description: 'Media preview and invite avatar preferences.',
  },
  {
    type: M_WIDGETS,
    scope: 'global',
    source: 'Element',
    isSharedMap: true,
    description: 'Account widgets such as the sticker picker.',
  },
  {
    type: IM_PONIES_USER_EMOTES,
    scope: 'global',
    source: 'MSC2545 (unstable)',
    description: 'Personal custom emotes and stickers.',
  },
  {
    type: IM_PONIES_EMOTE_ROOMS,
    scope: 'global',
    source: 'MSC2545 (unstable)',
    description: 'Emote packs enabled from rooms.',
  },
  {
    type: M_POLICIES,
    scope: 'global',
    source: 'js-sdk',
    description: 'Policy rooms used by the invite ignorer.',
  },
  {
    type: MSC3847_POLICIES,
    scope: 'global',
    source: 'MSC3847 (unstable)',
    description: 'Policy rooms used by the invite ignorer.',
  },
  {
    type: SYNAPSE_ADMIN_CLIENT_CONFIG,
    scope: 'global',
    source: 'Synapse',
    isServerValidated: true,
    description: 'Synapse admin-only client options (soft-failed events).',
  },
  {
    type: MSC3230_SPACE_ORDER,
    scope: 'room',
    source: 'MSC3230',
    description: 'Ordering of a space in the space list.',
  },
  {
    type: IM_VECTOR_ALLOWED_WIDGETS,
    scope: 'room',
    source: 'Element',
    description: 'Which room widgets the user allowed.',
  },
];

const EXACT = new Map(KNOWN_TYPES.filter((k) => !k.isPrefix).map((k) => [k.type, k]));
const PREFIXES = KNOWN_TYPES.filter((k) => k.isPrefix === true);

/** The catalogue entry for a type (exact match first, then prefix), or undefined. */
export function lookupKnownType(type: string): KnownType | undefined {
  return EXACT.get(type) ?? PREFIXES.find((k) => type.startsWith(k.type) && type.length > k.type.length);
}

/** Short human description of a type, or undefined for unknown types. */
export function describeType(type: string): string | undefined {
  return lookupKnownType(type)?.description;
}

/** How a write of a type in a scope must be made (docs/protocol.md §2, §5, §8 rule of thumb 3). */
export type WriteRoute =
  | { kind: 'account-data' }
  /**
   * Refused client-side: `title` says why in a few words, `reason` in a sentence; `api` names what
   * can make the change instead (another API, or the owning device).
   */
  | { kind: 'refuse'; api: string; title: string; reason: string }
  /** Room `m.tag`: diff and write through `PUT/DELETE /user/{u}/rooms/{r}/tags/{tag}`. */
  | { kind: 'tags' };

/**
 * Who is writing, when it matters: MSC4331 lets only the owning device write its data. `readOnly`: the
 * whole view refuses writes, saying why (an admin's read-only look at another user, ADR 013).
 */
export type WriteContext = {
  ownDeviceId?: string | undefined;
  readOnly?: { title: string; reason: string } | undefined;
};

const SERVER_MANAGED_TITLE = 'Read-only: managed by the server';

/**
 * Where a write must go. `m.push_rules` and `m.fully_read` are refused in both the global and room
 * scope, as Synapse 1.160 refuses them on both endpoints with `405` (docs/protocol.md §2). Room `m.tag` is
 * routed to the tags API, because a raw PUT creates a second, shadow `m.tag`. Another device's
 * per-device data (MSC4331) is refused when the writer's own device is known: by default only the
 * owning device may write it (docs/protocol.md §5).
 */
export function writeRoute(type: string, scope: AccountDataScope, context: WriteContext = {}): WriteRoute {
  if (context.readOnly) return { kind: 'refuse', api: 'none', ...context.readOnly };
  if (scope.kind === 'device') {
    const own = context.ownDeviceId;
    if (own !== undefined && own !== scope.deviceId) {
      return {
        kind: 'refuse',
        api: `device ${scope.deviceId}`,
        title: "Read-only: another device's data",
        reason: `Only device ${scope.deviceId} can change its own account data (MSC4331: by default only the owning device may write it). This inspector is device ${own}.`,
      };
    }
    return { kind: 'account-data' };
  }
  if (type === M_PUSH_RULES) {
    return {
      kind: 'refuse',
      api: '/pushrules',
      title: SERVER_MANAGED_TITLE,
      reason: 'm.push_rules is managed by the server; change push rules through the /pushrules API.',
    };
  }
  if (type === M_FULLY_READ) {
    return {
      kind: 'refuse',
      api: '/rooms/{roomId}/read_markers',
      title: SERVER_MANAGED_TITLE,
      reason:
        'm.fully_read is managed by the server; move the read marker with /rooms/{roomId}/read_markers.',
    };
  }
  if (type === M_TAG && scope.kind === 'room') return { kind: 'tags' };
  return { kind: 'account-data' };
}

/**
 * True for server-managed types ([SM] in docs/protocol.md §8): `m.push_rules` and `m.fully_read` in the
 * global and room scopes, and `m.tag` in a room (which is writable, but only through the tags API —
 * see {@link writeRoute}).
 */
export function isServerManaged(type: string, scope: AccountDataScope): boolean {
  return writeRoute(type, scope).kind !== 'account-data';
}

const SECRET_PREFIXES = ['m.secret_storage.', 'm.cross_signing.', 'm.megolm_backup.', ORG_MATRIX_MSC3814];

/**
 * True when a type holds secrets or secret metadata (docs/protocol.md §8 rule of thumb 2): the prefixes
 * `m.secret_storage.`, `m.cross_signing.`, `m.megolm_backup.`, `org.matrix.msc3814`, or any
 * content with an `encrypted` object.
 */
export function isSecretType(type: string, content?: JsonObject): boolean {
  if (SECRET_PREFIXES.some((p) => type.startsWith(p))) return true;
  const encrypted = content?.encrypted;
  return typeof encrypted === 'object' && encrypted !== null && !Array.isArray(encrypted);
}

/** A per-device global type split into its base (prefix) and device ID. */
export type PerDeviceType = { prefix: string; deviceId: string };

const PER_DEVICE_PREFIXES = [
  ELEMENT_CLIENT_INFORMATION_PREFIX,
  MSC3890_LOCAL_NOTIFICATION_SETTINGS_PREFIX,
  M_LOCAL_NOTIFICATION_SETTINGS_PREFIX,
];

/**
 * For per-device types stored in global account data (docs/protocol.md §5), the device-ID suffix:
 * `io.element.matrix_client_information.<dev>`, `org.matrix.msc3890.local_notification_settings.<dev>`,
 * `m.local_notification_settings.<dev>`. Null for other types. Lets the UI flag orphans whose
 * device is no longer in `GET /devices`.
 */
export function perDeviceSuffix(type: string): PerDeviceType | null {
  for (const prefix of PER_DEVICE_PREFIXES) {
    if (type.startsWith(prefix) && type.length > prefix.length) {
      return { prefix, deviceId: type.slice(prefix.length) };
    }
  }
  return null;
}
