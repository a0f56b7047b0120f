/**
 * Schemas for secret storage (4S, spec "Secret storage") and the secrets stored in it.
 *
 * These entries decide whether the user can ever decrypt their history again, so the descriptions
 * warn loudly; the schemas themselves stay generous about optional fields that clients fill in
 * differently (`name`, `iv`/`mac` on old keys, padded vs unpadded base64).
 */
import { base64String, encryptedSecretContent } from './common';
import type { AccountDataSchema } from './json-schema';

/** `m.secret_storage.default_key`: which 4S key is the default. */
export const secretStorageDefaultKeySchema: AccountDataSchema = {
  id: 'm.secret_storage.default_key',
  types: ['m.secret_storage.default_key'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Default secret-storage key (m.secret_storage.default_key)',
    description: 'ID of the secret-storage key that new secrets are encrypted with.',
    markdownDescription:
      'ID of the secret-storage key that new secrets are encrypted with; the key itself is described ' +
      'by `m.secret_storage.key.<key>`.\n\n`{}` means recovery was turned off (matrix-rust-sdk writes it), ' +
      'so `key` is not required.',
    properties: {
      key: {
        type: 'string',
        minLength: 1,
        description: 'The key ID; an m.secret_storage.key.<key> entry should exist.',
      },
    },
  },
};

/** `m.secret_storage.key.<keyId>`: metadata of one 4S key. */
export const secretStorageKeySchema: AccountDataSchema = {
  id: 'm.secret_storage.key',
  types: ['m.secret_storage.key.*'],
  scopes: ['global'],
  schema: {
    type: 'object',
    title: 'Secret-storage key description (m.secret_storage.key.<keyId>)',
    description: 'Metadata of one secret-storage key: algorithm, check values and passphrase parameters.',
    markdownDescription:
      'Metadata of one secret-storage key: how secrets are encrypted with it, a check value to verify a ' +
      'recovery key, and how to derive it from a passphrase.\n\n**Sensitive.** Not the key itself, but ' +
      'changing `iv`, `mac` or `passphrase` makes the recovery key or passphrase stop working.',
    properties: {
      name: { type: 'string', description: 'Human-readable name of the key.' },
      algorithm: {
        type: 'string',
        description: 'Encryption algorithm; m.secret_storage.v1.aes-hmac-sha2 is the only one in the spec.',
        examples: ['m.secret_storage.v1.aes-hmac-sha2'],
      },
      iv: base64String('Initialisation vector used to compute `mac` (aes-hmac-sha2).'),
      mac: base64String(
        'MAC of 32 zero bytes encrypted with the key; lets clients check a recovery key (aes-hmac-sha2).',
      ),
      passphrase: {
        type: 'object',
        title: 'Passphrase derivation',
        description: 'Present when the key can be derived from a passphrase.',
        properties: {
          algorithm: { type: 'string', description: 'Key-derivation algorithm.', examples: ['m.pbkdf2'] },
          salt: { type: 'string', description: 'Salt for PBKDF2.' },
          iterations: { type: 'integer', minimum: 1, description: 'PBKDF2 iteration count.' },
          bits: {
            type: 'integer',
            minimum: 1,
            default: 256,
            description: 'Key length in bits; defaults to 256.',
          },
        },
        required: ['algorithm', 'salt', 'iterations'],
      },
    },
    required: ['algorithm'],
  },
};

/** Cross-signing private keys stored in 4S. */
export const crossSigningSecretSchema: AccountDataSchema = {
  id: 'm.cross_signing',
  types: ['m.cross_signing.master', 'm.cross_signing.self_signing', 'm.cross_signing.user_signing'],
  scopes: ['global'],
  schema: encryptedSecretContent(
    'Cross-signing private key (m.cross_signing.*)',
    'A cross-signing private key (master, self-signing or user-signing), encrypted with secret-storage keys.',
  ),
};

/** The key-backup decryption key stored in 4S. */
export const megolmBackupSecretSchema: AccountDataSchema = {
  id: 'm.megolm_backup.v1',
  types: ['m.megolm_backup.v1'],
  scopes: ['global'],
  schema: encryptedSecretContent(
    'Key-backup private key (m.megolm_backup.v1)',
    'The private key that decrypts the server-side room-key backup, encrypted with secret-storage keys.',
  ),
};

/** MSC3814 dehydrated-device pickle key stored in 4S. */
export const dehydratedDeviceSecretSchema: AccountDataSchema = {
  id: 'org.matrix.msc3814',
  types: ['org.matrix.msc3814'],
  scopes: ['global'],
  schema: encryptedSecretContent(
    'Dehydrated-device key (org.matrix.msc3814)',
    'The key that protects the dehydrated device (MSC3814), encrypted with secret-storage keys.',
  ),
};

/** Schemas for secret storage and stored secrets. */
export const secretSchemas: readonly AccountDataSchema[] = [
  secretStorageDefaultKeySchema,
  secretStorageKeySchema,
  crossSigningSecretSchema,
  megolmBackupSecretSchema,
  dehydratedDeviceSecretSchema,
];
