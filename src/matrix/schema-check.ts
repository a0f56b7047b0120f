/**
 * Checks a whole account's account data (issue #14): every entry with a known schema is validated
 * against the project's own schemas (`src/editor/schemas`, the same ones Monaco uses), and semantic
 * checks cover what a schema cannot say — DMs with rooms the user is not in, ignoring oneself, a
 * default secret-storage key with no description, a type in the wrong scope.
 *
 * Validation uses `@cfworker/json-schema`, which interprets schemas without `eval` / `new Function`
 * and so runs under the production CSP (ajv compiles schemas to code and needs `unsafe-eval`).
 *
 * Pure TypeScript, no I/O: the Validation pane, the diagnostic report and the CLI share it.
 *
 * Secret entries (`isSecretType`) are checked for shape only, and their problem messages never
 * quote a value from the content: only schema-side wording, JSON types and property names.
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
// eslint-disable-next-line no-restricted-imports -- the schemas are plain data (editor/schemas/json-schema.ts: "importable without Monaco"); the editor hands them to Monaco, this module validates with the same ones
import { schemaFor } from '../editor/schemas/registry.ts';
// eslint-disable-next-line no-restricted-imports -- plain data, see above
import type { JsonSchema } from '../editor/schemas/json-schema.ts';
import { entryKey, GLOBAL_SCOPE, type EntryRef } from './entry-key.ts';
import { isJsonObject } from './json.ts';
import {
  BACKUP_DISABLED,
  isSecretType,
  lookupKnownType,
  M_DIRECT,
  M_IGNORED_USER_LIST,
  M_KEY_BACKUP,
  M_SECRET_STORAGE_DEFAULT_KEY,
  M_SECRET_STORAGE_KEY_PREFIX,
} from './known-types.ts';
import type { AccountDataScope, JsonObject, JsonValue } from './types.ts';

/** How bad a problem is: `error` breaks clients or the server refuses it; `warning` is suspicious; `info` is worth knowing. */
export type ProblemSeverity = 'error' | 'warning' | 'info';

/** One problem found in one entry. */
export type AccountDataProblem = {
  ref: EntryRef;
  severity: ProblemSeverity;
  /** One sentence for people; never holds a secret entry's values. */
  message: string;
  /** JSON Pointer (RFC 6901) into the content, e.g. `/@alice:example.org/0`; absent for the whole entry. */
  path?: string;
};

/** What {@link checkAccountData} looks at. */
export type AccountDataCheckInput = {
  /** Global account data, type → content. */
  global?: Readonly<Record<string, JsonObject>>;
  /** Room account data, room ID → (type → content). */
  rooms?:
    | ReadonlyMap<string, Readonly<Record<string, JsonObject>>>
    | Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  /** Rooms the user is joined to; without it the membership checks are skipped. */
  joinedRoomIds?: ReadonlySet<string>;
  /** The account's own user ID. */
  userId: string;
};

/** Severity order, most severe first (for sorting). */
export const SEVERITY_ORDER: Readonly<Record<ProblemSeverity, number>> = { error: 0, warning: 1, info: 2 };

const USER_ID = /^@[^:]+:.+$/;
const ROOM_ID = /^!(?:[^:]+:.+|[A-Za-z0-9_-]{43})$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Every problem in the account's account data, ordered by scope (global first, then rooms by ID),
 * type, then severity. Never throws for odd content: a non-object content is itself a problem.
 */
export function checkAccountData(input: AccountDataCheckInput): AccountDataProblem[] {
  const problems: AccountDataProblem[] = [];
  const global = input.global ?? {};
  for (const type of Object.keys(global).sort()) {
    problems.push(...checkEntry(GLOBAL_SCOPE, type, global[type], input));
  }
  problems.push(...checkGlobalConsistency(global));
  const rooms = roomEntries(input.rooms);
  for (const [roomId, data] of rooms) {
    const scope: AccountDataScope = { kind: 'room', roomId };
    for (const type of Object.keys(data).sort()) {
      problems.push(...checkEntry(scope, type, data[type], input));
    }
  }
  return sortProblems(problems);
}

/** Problems of one entry on its own (schema and per-type semantic checks). */
export function checkEntry(
  scope: AccountDataScope,
  type: string,
  content: unknown,
  context: Pick<AccountDataCheckInput, 'joinedRoomIds' | 'userId'>,
): AccountDataProblem[] {
  const ref: EntryRef = { scope, type };
  if (!isJsonObject(content)) {
    return [{ ref, severity: 'error', message: `Content is ${jsonTypeOf(content)}, not a JSON object.` }];
  }
  const problems: AccountDataProblem[] = [];
  const secret = isSecretType(type, content);

  if (scope.kind === 'global' || scope.kind === 'room') {
    problems.push(...contextFreeProblems(ref, scope.kind, content, secret));
  }

  if (scope.kind === 'global' && type === M_DIRECT) problems.push(...checkDirect(ref, content, context));
  if (scope.kind === 'global' && type === M_IGNORED_USER_LIST) {
    problems.push(...checkIgnoredUsers(ref, content, context.userId));
  }
  return dedupe(problems);
}

// --- Schema validation ---

/**
 * Schema and scope problems depend on nothing but the entry, and the fold shares unchanged content
 * objects between states, so they are memoised per content object: a live re-check of 10,000 rooms
 * only validates what changed (validation is ~25 µs an entry; the first check of a big account pays it once).
 */
const contextFreeCache = new WeakMap<JsonObject, Map<string, AccountDataProblem[]>>();

function contextFreeProblems(
  ref: EntryRef,
  scope: 'global' | 'room',
  content: JsonObject,
  secret: boolean,
): AccountDataProblem[] {
  const key = entryKey(ref.scope, ref.type);
  let byEntry = contextFreeCache.get(content);
  const cached = byEntry?.get(key);
  if (cached) return cached;
  const problems: AccountDataProblem[] = [];
  const wrongScope = wrongScopeProblem(ref, scope, ref.type);
  if (wrongScope) problems.push(wrongScope);
  const found = cachedSchemaFor(ref.type, scope);
  if (found) problems.push(...schemaProblems(ref, found.uri, found.schema, content, secret));
  if (!byEntry) {
    byEntry = new Map();
    contextFreeCache.set(content, byEntry);
  }
  byEntry.set(key, problems);
  return problems;
}

const schemaLookups = new Map<string, ReturnType<typeof schemaFor>>();

/** `schemaFor`, remembered per scope and type (bounded: per-device types carry device IDs). */
function cachedSchemaFor(type: string, scope: 'global' | 'room'): ReturnType<typeof schemaFor> {
  const key = `${scope}\u001f${type}`;
  if (schemaLookups.has(key)) return schemaLookups.get(key);
  const found = schemaFor(type, scope);
  if (schemaLookups.size >= 5000) schemaLookups.clear();
  schemaLookups.set(key, found);
  return found;
}

const validators = new Map<string, Validator>();

function validatorFor(uri: string, schema: JsonSchema): Validator {
  let validator = validators.get(uri);
  if (!validator) {
    // Draft 7 is the registry's dialect; no short-circuit, so every problem is reported.
    validator = new Validator(schema as Schema, '7', false);
    validators.set(uri, validator);
  }
  return validator;
}

/** Keywords whose failure only says "something below failed": the errors below say what. */
const CONTAINER_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'additionalItems',
  'propertyNames',
  'allOf',
  '$ref',
  'if',
  'then',
  'else',
  'dependencies',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

/** Keywords whose sub-errors are noise (each alternative's complaints): the keyword's own error says it. */
const ALTERNATIVE_KEYWORDS = new Set(['anyOf', 'oneOf', 'not', 'contains']);

function schemaProblems(
  ref: EntryRef,
  uri: string,
  schema: JsonSchema,
  content: JsonObject,
  secret: boolean,
): AccountDataProblem[] {
  const result = validatorFor(uri, schema).validate(content);
  if (result.valid) return [];
  const errors = result.errors;
  const kept = errors.filter((error) => {
    const inAlternative = errors.some(
      (other) =>
        other !== error &&
        ALTERNATIVE_KEYWORDS.has(other.keyword) &&
        error.keywordLocation.startsWith(`${other.keywordLocation}/`),
    );
    if (inAlternative) return false;
    if (!CONTAINER_KEYWORDS.has(error.keyword)) return true;
    // A container without a descendant error is a leaf (`additionalProperties: false`).
    return !errors.some(
      (other) => other !== error && other.keywordLocation.startsWith(`${error.keywordLocation}/`),
    );
  });
  return kept.map((error) => schemaProblem(ref, schema, content, error, secret));
}

function schemaProblem(
  ref: EntryRef,
  schema: JsonSchema,
  content: JsonObject,
  error: OutputUnit,
  secret: boolean,
): AccountDataProblem {
  const instancePath = error.instanceLocation.replace(/^#/, '');
  const keywordPath = pointerSegments(error.keywordLocation.replace(/^#/, ''), true);
  const owner = schemaAt(schema, keywordPath.slice(0, -1));
  const inPropertyNames = keywordPath.includes('propertyNames');
  const segments = pointerSegments(instancePath, false);
  const value = inPropertyNames ? undefined : valueAt(content, segments);
  const key = segments.at(-1);
  const message = describeError(error, owner, value, key, inPropertyNames, secret);
  return { ref, severity: 'error', message, ...(instancePath ? { path: instancePath } : {}) };
}

function describeError(
  error: OutputUnit,
  owner: JsonSchema | undefined,
  value: JsonValue | undefined,
  key: string | undefined,
  inPropertyNames: boolean,
  secret: boolean,
): string {
  const custom = owner?.errorMessage;
  if (custom) return custom;
  if (inPropertyNames) {
    const text = owner?.patternErrorMessage ?? 'This key is not allowed here.';
    return key !== undefined ? `Key ${quote(key)}: ${text}` : text;
  }
  const shown = secret || value === undefined ? '' : `${preview(value)}: `;
  switch (error.keyword) {
    case 'type': {
      const expected = owner?.type;
      const names = Array.isArray(expected) ? expected.join(' or ') : String(expected);
      return `Expected ${article(names)}, found ${jsonTypeOf(value)}.`;
    }
    case 'required':
    case 'dependentRequired':
      return error.error.replace(/^Instance/, 'The object');
    case 'pattern':
      return `${shown}${owner?.patternErrorMessage ?? 'Does not have the expected form.'}`;
    case 'format':
      return `${shown}Not a valid ${owner?.format ?? 'value'}.`;
    case 'enum':
    case 'const': {
      const allowed = owner?.enum ?? (owner?.const !== undefined ? [owner.const] : []);
      return `${shown}Expected ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`;
    }
    case 'additionalProperties':
      return key !== undefined ? `Unexpected property ${quote(key)}.` : 'Unexpected property.';
    case 'anyOf':
    case 'oneOf':
      return `${shown}Does not match any allowed form${owner?.title ? ` of ${owner.title}` : ''}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return secret ? 'Number out of the allowed range.' : error.error;
    default:
      // cfworker's own wording for the rest (lengths, item counts, duplicates) holds no content values.
      return error.error;
  }
}

// --- Semantic checks ---

/** `m.direct`: user ID → array of room IDs; rooms the user left are hidden by clients. */
function checkDirect(
  ref: EntryRef,
  content: JsonObject,
  context: Pick<AccountDataCheckInput, 'joinedRoomIds' | 'userId'>,
): AccountDataProblem[] {
  const problems: AccountDataProblem[] = [];
  const seen = new Map<string, string>();
  for (const [user, rooms] of Object.entries(content)) {
    const userPath = `/${escapePointer(user)}`;
    if (!USER_ID.test(user)) {
      problems.push(
        EMAIL.test(user)
          ? {
              ref,
              severity: 'info',
              path: userPath,
              message: `Key ${quote(user)} is an e-mail address, not a user ID (a DM with an invited e-mail address).`,
            }
          : {
              ref,
              severity: 'warning',
              path: userPath,
              message: `Key ${quote(user)} is not a user ID; clients cannot show these rooms as DMs with anyone.`,
            },
      );
    }
    if (!Array.isArray(rooms)) {
      problems.push({
        ref,
        severity: 'error',
        path: userPath,
        message: `The DMs with ${quote(user)} are ${jsonTypeOf(rooms)}, not an array of room IDs; clients skip them.`,
      });
      continue;
    }
    rooms.forEach((room, index) => {
      if (typeof room !== 'string' || !ROOM_ID.test(room)) return; // the schema reports it
      const path = `${userPath}/${index}`;
      if (context.joinedRoomIds && !context.joinedRoomIds.has(room)) {
        problems.push({
          ref,
          severity: 'warning',
          path,
          message: `DM room ${room} with ${quote(user)} is not a room you are joined to; clients hide it.`,
        });
      }
      const other = seen.get(room);
      if (other !== undefined && other !== user) {
        problems.push({
          ref,
          severity: 'warning',
          path,
          message: `Room ${room} is listed as a DM with both ${quote(other)} and ${quote(user)}.`,
        });
      } else if (other === user) {
        problems.push({
          ref,
          severity: 'info',
          path,
          message: `Room ${room} is listed twice for ${quote(user)}.`,
        });
      }
      seen.set(room, user);
    });
  }
  return problems;
}

/** `m.ignored_user_list`: the server refuses a list with one's own user ID. */
function checkIgnoredUsers(ref: EntryRef, content: JsonObject, userId: string): AccountDataProblem[] {
  const ignored = content.ignored_users;
  if (!isJsonObject(ignored)) return []; // the schema reports the shape
  if (Object.hasOwn(ignored, userId)) {
    return [
      {
        ref,
        severity: 'error',
        path: `/ignored_users/${escapePointer(userId)}`,
        message:
          'Lists your own user ID; Synapse refuses to save such a list ("You cannot ignore yourself").',
      },
    ];
  }
  return [];
}

/** A type the catalogue or the schemas place only in the other scope. */
function wrongScopeProblem(
  ref: EntryRef,
  scope: 'global' | 'room',
  type: string,
): AccountDataProblem | undefined {
  const other = scope === 'global' ? 'room' : 'global';
  const known = lookupKnownType(type);
  const onlyOther = known
    ? known.scope === other
    : cachedSchemaFor(type, scope) === undefined && cachedSchemaFor(type, other) !== undefined;
  if (!onlyOther) return undefined;
  return {
    ref,
    severity: 'warning',
    message:
      other === 'room'
        ? `${type} is room account data; clients ignore it in global account data.`
        : `${type} is global account data; clients ignore it in a room's account data.`,
  };
}

/** Checks across global entries: secret storage and key-backup preferences. */
function checkGlobalConsistency(global: Readonly<Record<string, JsonObject>>): AccountDataProblem[] {
  const problems: AccountDataProblem[] = [];
  const defaultKey = global[M_SECRET_STORAGE_DEFAULT_KEY];
  if (isJsonObject(defaultKey) && typeof defaultKey.key === 'string' && defaultKey.key !== '') {
    if (!isJsonObject(global[`${M_SECRET_STORAGE_KEY_PREFIX}${defaultKey.key}`])) {
      problems.push({
        ref: { scope: GLOBAL_SCOPE, type: M_SECRET_STORAGE_DEFAULT_KEY },
        severity: 'error',
        path: '/key',
        message:
          'Names a secret-storage key that has no m.secret_storage.key.<ID> description: clients cannot unlock secret storage.',
      });
    }
  }
  for (const [type, content] of Object.entries(global)) {
    if (
      !isJsonObject(content) ||
      !isSecretType(type, content) ||
      type.startsWith(M_SECRET_STORAGE_KEY_PREFIX)
    ) {
      continue;
    }
    const encrypted = content.encrypted;
    if (!isJsonObject(encrypted)) continue;
    const keyIds = Object.keys(encrypted);
    if (
      keyIds.length > 0 &&
      !keyIds.some((id) => isJsonObject(global[`${M_SECRET_STORAGE_KEY_PREFIX}${id}`]))
    ) {
      problems.push({
        ref: { scope: GLOBAL_SCOPE, type },
        severity: 'warning',
        path: '/encrypted',
        message:
          'Encrypted only with secret-storage keys that have no description: this secret cannot be decrypted.',
      });
    }
  }
  const stable = global[M_KEY_BACKUP];
  const unstable = global[BACKUP_DISABLED];
  if (
    isJsonObject(stable) &&
    isJsonObject(unstable) &&
    typeof stable.enabled === 'boolean' &&
    typeof unstable.disabled === 'boolean' &&
    stable.enabled === unstable.disabled
  ) {
    problems.push({
      ref: { scope: GLOBAL_SCOPE, type: BACKUP_DISABLED },
      severity: 'warning',
      path: '/disabled',
      message: `Contradicts ${M_KEY_BACKUP} (enabled: ${String(stable.enabled)}); clients reading different names disagree about key backup.`,
    });
  }
  return problems;
}

// --- Helpers ---

function roomEntries(
  rooms: AccountDataCheckInput['rooms'],
): [string, Readonly<Record<string, JsonObject>>][] {
  if (!rooms) return [];
  type RoomData = Readonly<Record<string, JsonObject>>;
  const entries: [string, RoomData][] = isRoomMap(rooms) ? [...rooms.entries()] : Object.entries(rooms);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function isRoomMap(
  rooms: NonNullable<AccountDataCheckInput['rooms']>,
): rooms is ReadonlyMap<string, Readonly<Record<string, JsonObject>>> {
  return rooms instanceof Map;
}

function sortProblems(problems: AccountDataProblem[]): AccountDataProblem[] {
  const scopeRank = (p: AccountDataProblem) =>
    p.ref.scope.kind === 'global'
      ? '0'
      : p.ref.scope.kind === 'room'
        ? `1${p.ref.scope.roomId}`
        : `2${p.ref.scope.deviceId}`;
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const sa = scopeRank(a.problem);
      const sb = scopeRank(b.problem);
      if (sa !== sb) return sa < sb ? -1 : 1;
      if (a.problem.ref.type !== b.problem.ref.type) return a.problem.ref.type < b.problem.ref.type ? -1 : 1;
      const severity = SEVERITY_ORDER[a.problem.severity] - SEVERITY_ORDER[b.problem.severity];
      return severity !== 0 ? severity : a.index - b.index;
    })
    .map(({ problem }) => problem);
}

/** Drops exact repeats (a schema error and a semantic check saying the same at the same place). */
function dedupe(problems: AccountDataProblem[]): AccountDataProblem[] {
  const seen = new Set<string>();
  const out: AccountDataProblem[] = [];
  for (const problem of problems) {
    const key = `${problem.severity}\u001f${problem.path ?? ''}\u001f${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  // A semantic error at a path supersedes the schema's generic type error there.
  return out.filter(
    (problem) =>
      !(
        problem.message.startsWith('Expected an array') &&
        out.some(
          (other) =>
            other !== problem && other.path === problem.path && other.message.includes('not an array'),
        )
      ),
  );
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerSegments(pointer: string, uriEncoded: boolean): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => {
      let decoded = segment;
      if (uriEncoded) {
        try {
          decoded = decodeURIComponent(segment);
        } catch {
          // keep it as it is
        }
      }
      return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function schemaAt(schema: JsonSchema, segments: readonly string[]): JsonSchema | undefined {
  let node: unknown = schema;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node !== null && typeof node === 'object' ? node : undefined;
}

function valueAt(content: JsonValue, segments: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = content;
  for (const segment of segments) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (node !== null && typeof node === 'object') node = node[segment];
    else return undefined;
  }
  return node;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'undefined') return 'missing';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

function article(names: string): string {
  return /^(?:array|object|integer)/.test(names) ? `an ${names}` : `a ${names}`;
}

function quote(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  return JSON.stringify(short);
}

function preview(value: JsonValue): string {
  if (typeof value === 'string') return quote(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
