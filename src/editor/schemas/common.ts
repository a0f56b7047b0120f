/**
 * Identifier patterns and reusable schema fragments for account-data schemas.
 *
 * The patterns are deliberately loose where the spec is (opaque localparts, historical user IDs with
 * odd characters): an inspector must not flag data that homeservers accept. They only catch the
 * mistakes that break clients, such as a missing sigil or server name.
 */
import type { JsonSchema } from './json-schema';

/** `@localpart:server`. Historical user IDs may contain almost anything in the localpart. */
export const USER_ID_PATTERN = '^@[^:]+:.+$';

/**
 * `!opaque:server`, or room version 12's `!` + 43 URL-safe base64 characters with no server (the
 * room ID is then the hash of the create event). Never parse a server name out of either.
 */
export const ROOM_ID_PATTERN = '^!(?:[^:]+:.+|[A-Za-z0-9_-]{43})$';

/** `$opaque:server` (room v1–2) or `$` + base64 hash (v3+, URL-safe from v4). */
export const EVENT_ID_PATTERN = '^\\$.+$';

/** Standard base64, padded or unpadded, as used for key material (spec appendix: unpadded). */
export const BASE64_PATTERN = '^[A-Za-z0-9+/]*={0,2}$';

/** `mxc://server/media-id`. */
export const MXC_URI_PATTERN = '^mxc://[^/]+/.+$';

/** A string holding a user ID. */
export const userIdString = (description: string): JsonSchema => ({
  type: 'string',
  pattern: USER_ID_PATTERN,
  patternErrorMessage: 'Expected a user ID such as "@alice:example.org".',
  description,
});

/** A string holding a room ID (either form). */
export const roomIdString = (description: string): JsonSchema => ({
  type: 'string',
  pattern: ROOM_ID_PATTERN,
  patternErrorMessage:
    'Expected a room ID: "!opaque:example.org", or "!" and 43 URL-safe base64 characters (room version 12).',
  description,
});

/** A string holding an event ID. */
export const eventIdString = (description: string): JsonSchema => ({
  type: 'string',
  pattern: EVENT_ID_PATTERN,
  patternErrorMessage: 'Expected an event ID starting with "$".',
  description,
});

/** A string holding base64-encoded bytes. */
export const base64String = (description: string): JsonSchema => ({
  type: 'string',
  pattern: BASE64_PATTERN,
  patternErrorMessage: 'Expected base64 (A–Z, a–z, 0–9, "+", "/", optional "=" padding).',
  description,
});

/** A string holding an `mxc://` content URI. */
export const mxcUriString = (description: string): JsonSchema => ({
  type: 'string',
  pattern: MXC_URI_PATTERN,
  patternErrorMessage: 'Expected a content URI such as "mxc://example.org/abc123".',
  description,
});

/** Property-name constraint for maps keyed by user ID. */
export const userIdKeys: JsonSchema = {
  pattern: USER_ID_PATTERN,
  patternErrorMessage: 'Keys must be user IDs such as "@alice:example.org".',
};

/** Property-name constraint for maps keyed by room ID. */
export const roomIdKeys: JsonSchema = {
  pattern: ROOM_ID_PATTERN,
  patternErrorMessage: 'Keys must be room IDs such as "!abc:example.org".',
};

/** Property-name constraint for maps keyed by event ID. */
export const eventIdKeys: JsonSchema = {
  pattern: EVENT_ID_PATTERN,
  patternErrorMessage: 'Keys must be event IDs starting with "$".',
};

/**
 * Content of the many `{"<flag>": true|false}` types (`m.key_backup`, `io.element.recovery`…).
 * The flag is required: every writer sets it, and readers treat a missing flag as "no preference".
 */
export function booleanFlagContent(options: {
  title: string;
  description: string;
  markdownDescription?: string;
  property: string;
  propertyDescription: string;
}): JsonSchema {
  return {
    type: 'object',
    title: options.title,
    description: options.description,
    ...(options.markdownDescription ? { markdownDescription: options.markdownDescription } : {}),
    properties: {
      [options.property]: { type: 'boolean', description: options.propertyDescription },
    },
    required: [options.property],
  };
}

/**
 * One secret encrypted with a secret-storage key, as stored under `encrypted.<keyId>`
 * (`m.secret_storage.v1.aes-hmac-sha2`: `iv`, `ciphertext`, `mac`, all base64).
 */
export const encryptedSecretEntry: JsonSchema = {
  type: 'object',
  title: 'Encrypted secret',
  description: 'The secret encrypted with one secret-storage key (m.secret_storage.v1.aes-hmac-sha2).',
  properties: {
    iv: base64String('The 16-byte initialisation vector, base64.'),
    ciphertext: base64String('The AES-CTR-encrypted secret, base64.'),
    mac: base64String('The HMAC-SHA-256 of the ciphertext, base64.'),
  },
  required: ['ciphertext', 'mac'],
};

/**
 * Content of a secret stored in secret storage (4S): `{"encrypted": {"<keyId>": {iv, ciphertext, mac}}}`.
 * The key ID must name an `m.secret_storage.key.<keyId>` entry; one secret may be encrypted with several keys.
 */
export function encryptedSecretContent(title: string, description: string): JsonSchema {
  return {
    type: 'object',
    title,
    description,
    markdownDescription: `${description}\n\n**Holds a secret.** The ciphertext is useless without the recovery key, but editing it by hand breaks decryption: keep a copy before changing anything.`,
    properties: {
      encrypted: {
        type: 'object',
        title: 'Encryptions by key ID',
        description:
          'Map from secret-storage key ID (see m.secret_storage.key.<keyId>) to the secret encrypted with that key.',
        additionalProperties: encryptedSecretEntry,
        minProperties: 1,
      },
    },
    required: ['encrypted'],
  };
}
