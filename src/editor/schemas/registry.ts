/**
 * The registry of account-data JSON schemas: look one up by type, or hand them all to Monaco.
 *
 * Monaco picks a schema by matching the model URI against `fileMatch` globs, so the globs here are
 * derived from the same URI layout as `modelUriFor` (`inmemory://account-data/global/<type>.json`,
 * `…/room/<roomId>/<type>.json`). Scope is part of the match: `m.tag` is only checked in rooms,
 * `m.direct` only globally, as the spec defines them. Device-scoped documents (MSC4331) get no schema.
 */
import { MODEL_URI_AUTHORITY } from '../model-uri';
import type { AccountDataSchema, JsonSchema, SchemaScope } from './json-schema';
import { pushRulesSchema } from './push-rules';
import { secretSchemas } from './secrets';
import { specGlobalSchemas } from './spec-global';
import { specRoomSchemas } from './spec-room';
import { vendorSchemas } from './vendor';

/** Every schema we ship, spec types first. */
export const accountDataSchemas: readonly AccountDataSchema[] = [
  ...specGlobalSchemas,
  pushRulesSchema,
  ...secretSchemas,
  ...specRoomSchemas,
  ...vendorSchemas,
];

/** Prefix of every schema URI. The URIs are identifiers only; nothing is ever fetched from them. */
export const SCHEMA_URI_PREFIX = 'inmemory://account-data-schemas/';

/**
 * The dialect our schemas are written in. Declared on every schema handed out, because Monaco's JSON
 * service otherwise assumes draft 2020-12, where array-form `items` (tuples) means nothing.
 */
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** A registry schema with its dialect declared, ready for a validator. */
function withDialect(schema: JsonSchema): JsonSchema {
  return { $schema: JSON_SCHEMA_DIALECT, ...schema };
}

/** The schema URI of a registry entry. */
export function schemaUri(entry: AccountDataSchema): string {
  return `${SCHEMA_URI_PREFIX}${entry.id}.json`;
}

/** Whether a registry type pattern (`m.direct`, `m.secret_storage.key.*`) covers `type`. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return type.length > prefix.length && type.startsWith(prefix);
  }
  return pattern === type;
}

/**
 * The schema for an account-data type, or `undefined` for types we do not know.
 * Pass the scope to get only schemas meant for it (`m.tag` has none globally); without a scope any
 * scope matches. Exact types win over families.
 */
export function schemaFor(
  type: string,
  scope?: SchemaScope | 'device',
): { uri: string; schema: JsonSchema; entry: AccountDataSchema } | undefined {
  const candidates = accountDataSchemas.filter(
    (entry) => scope === undefined || (scope !== 'device' && entry.scopes.includes(scope)),
  );
  const entry =
    candidates.find((candidate) => candidate.types.includes(type)) ??
    candidates.find((candidate) => candidate.types.some((pattern) => typeMatches(pattern, type)));
  return entry ? { uri: schemaUri(entry), schema: withDialect(entry.schema), entry } : undefined;
}

/** One entry of Monaco's `jsonDefaults.setDiagnosticsOptions({ schemas })`. */
export type MonacoSchemaAssociation = { uri: string; fileMatch: string[]; schema: JsonSchema };

/**
 * The `fileMatch` globs for one registry entry. Monaco's JSON service prefixes each with `**\/` and
 * matches it against the model URI with `%`-escapes intact, which is exactly `modelUriFor`'s output.
 */
export function fileMatchFor(entry: AccountDataSchema): string[] {
  return entry.scopes.flatMap((scope) =>
    entry.types.map((type) => {
      const scopePath = scope === 'global' ? 'global' : 'room/*';
      return `${MODEL_URI_AUTHORITY}/${scopePath}/${typeGlob(type)}.json`;
    }),
  );
}

/** Severity names of Monaco's JSON diagnostics options. */
export type JsonSeverityLevel = 'error' | 'warning' | 'ignore';

/** The subset of Monaco's `json.DiagnosticsOptions` we set; structurally compatible with it. */
export type MonacoJsonDiagnosticsOptions = {
  validate: boolean;
  allowComments: boolean;
  comments: JsonSeverityLevel;
  trailingCommas: JsonSeverityLevel;
  schemaValidation: JsonSeverityLevel;
  schemaRequest: JsonSeverityLevel;
  enableSchemaRequest: boolean;
  schemas: MonacoSchemaAssociation[];
};

/**
 * The options for `jsonDefaults.setDiagnosticsOptions`, kept here (Monaco-free) so that schema tests
 * run the JSON language service with exactly the editor's settings.
 *
 * Syntax problems are errors because the server rejects them. Schema problems are warnings because
 * content is user data that servers accept anyway and that clients disagree about. Schemas are inline
 * only: `enableSchemaRequest: false` keeps the worker from fetching anything.
 */
export function monacoJsonDiagnosticsOptions(): MonacoJsonDiagnosticsOptions {
  return {
    validate: true,
    allowComments: false,
    comments: 'error',
    trailingCommas: 'error',
    schemaValidation: 'warning',
    schemaRequest: 'ignore',
    enableSchemaRequest: false,
    schemas: monacoSchemaAssociations(),
  };
}

/** All schemas in the shape Monaco's JSON language service wants. */
export function monacoSchemaAssociations(): MonacoSchemaAssociation[] {
  return accountDataSchemas.map((entry) => ({
    uri: schemaUri(entry),
    fileMatch: fileMatchFor(entry),
    schema: withDialect(entry.schema),
  }));
}

/** The glob for a type pattern; the type must not contain glob syntax or characters that get %-encoded. */
function typeGlob(pattern: string): string {
  const family = pattern.endsWith('.*');
  const literal = family ? pattern.slice(0, -1) : pattern;
  if (!/^[A-Za-z0-9._-]+$/.test(literal)) {
    throw new Error(`Schema type pattern ${pattern} contains characters that cannot be matched literally`);
  }
  return family ? `${literal}*` : literal;
}
