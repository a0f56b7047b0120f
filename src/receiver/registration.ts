/**
 * Application-service registration files (docs/protocol.md §7): reading and checking one the way
 * Synapse's `_load_appservice` does, and writing a fresh one for `--generate`. YAML goes through the
 * `yaml` package, never by hand.
 */
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';

/** One namespace entry: Synapse matches `regex` from the start of the string (Python `re.match`). */
export type NamespaceEntry = { exclusive: boolean; regex: string };

/** The parts of a registration the receiver uses. */
export type Registration = {
  id: string;
  /** Where the homeserver pushes; `null` means it pushes nothing. */
  url: string | null;
  asToken: string;
  hsToken: string;
  senderLocalpart: string;
  namespaces: { users: NamespaceEntry[]; aliases: NamespaceEntry[]; rooms: NamespaceEntry[] };
};

/** A registration the receiver cannot use; `problems` lists every reason, one line each. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly problems: string[],
    source = 'the registration',
  ) {
    super(`${source} is not a valid application-service registration:\n  - ${problems.join('\n  - ')}`);
  }
}

const NAMESPACE_KINDS = ['users', 'aliases', 'rooms'] as const;

/** Characters Python's `urllib.parse.quote` leaves alone: Synapse refuses a sender_localpart needing more. */
const URL_SAFE = /^[A-Za-z0-9_.\-~/]+$/;

/** Parses and checks registration YAML; throws a `RegistrationError` naming every problem found. */
export function parseRegistration(text: string, source?: string): Registration {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new RegistrationError(
      [`not YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`],
      source,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new RegistrationError(['the document is not a mapping of keys to values'], source);
  }
  const raw = doc as Record<string, unknown>;
  const problems: string[] = [];
  const str = (key: string): string => {
    const v = raw[key];
    if (typeof v !== 'string' || v === '') {
      problems.push(`"${key}" must be a non-empty string`);
      return '';
    }
    return v;
  };
  const id = str('id');
  const asToken = str('as_token');
  const hsToken = str('hs_token');
  const senderLocalpart = str('sender_localpart');
  if (senderLocalpart !== '' && !URL_SAFE.test(senderLocalpart)) {
    problems.push(`"sender_localpart" must not need URL escaping (Synapse refuses "${senderLocalpart}")`);
  }
  let url: string | null = null;
  if (!('url' in raw)) {
    problems.push('"url" is missing (a string, or an explicit null meaning "push nothing")');
  } else if (raw.url !== null) {
    if (typeof raw.url !== 'string') {
      problems.push('"url" must be a string or null');
    } else if (!URL.canParse(raw.url)) {
      problems.push(`"url" is not a URL: "${raw.url}"`);
    } else {
      url = raw.url;
    }
  }
  const namespaces: Registration['namespaces'] = { users: [], aliases: [], rooms: [] };
  const ns = raw.namespaces;
  if (typeof ns !== 'object' || ns === null || Array.isArray(ns)) {
    problems.push('"namespaces" must be a mapping (users, aliases, rooms)');
  } else {
    for (const kind of NAMESPACE_KINDS) {
      const list = (ns as Record<string, unknown>)[kind];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        problems.push(`"namespaces.${kind}" must be a list`);
        continue;
      }
      list.forEach((entry: unknown, i) => {
        const where = `namespaces.${kind}[${i}]`;
        if (typeof entry !== 'object' || entry === null) {
          problems.push(`"${where}" must be a mapping with "exclusive" and "regex"`);
          return;
        }
        const { exclusive, regex } = entry as Record<string, unknown>;
        if (typeof exclusive !== 'boolean') problems.push(`"${where}.exclusive" must be true or false`);
        if (typeof regex !== 'string') {
          problems.push(`"${where}.regex" must be a string`);
        } else {
          try {
            new RegExp(regex);
          } catch {
            problems.push(`"${where}.regex" is not a regular expression (JavaScript syntax): ${regex}`);
          }
        }
        if (typeof exclusive === 'boolean' && typeof regex === 'string') {
          namespaces[kind].push({ exclusive, regex });
        }
      });
    }
  }
  if (problems.length > 0) throw new RegistrationError(problems, source);
  return { id, url, asToken, hsToken, senderLocalpart, namespaces };
}

/** Escapes a literal for use inside a regular expression (Python and JavaScript alike). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** The default users namespace: `@<sender_localpart>_.*:<server name>`, literals escaped. */
export function defaultUserRegex(senderLocalpart: string, serverName: string): string {
  return `@${escapeRegex(senderLocalpart)}_.*:${escapeRegex(serverName)}`;
}

/** A token as `--generate` makes them: 32 random bytes, 64 hex digits. */
export function freshToken(): string {
  return randomBytes(32).toString('hex');
}

export type GenerateOptions = {
  id: string;
  url: string;
  senderLocalpart: string;
  userRegex: string;
};

/**
 * A fresh registration's YAML: random `as_token` and `hs_token`, `rate_limited: false`,
 * `receive_ephemeral: false`, one exclusive users namespace.
 */
export function generateRegistrationYaml(opts: GenerateOptions): string {
  const doc = {
    id: opts.id,
    url: opts.url,
    as_token: freshToken(),
    hs_token: freshToken(),
    sender_localpart: opts.senderLocalpart,
    namespaces: {
      users: [{ exclusive: true, regex: opts.userRegex }],
      aliases: [],
      rooms: [],
    },
    rate_limited: false,
    receive_ephemeral: false,
  };
  const text =
    '# Application-service registration written by `npm run appservice-receiver -- --generate`.\n' +
    '# It holds the secret tokens of the application service: keep it private. docs/protocol.md §7\n' +
    stringify(doc);
  // Round-trip: what we write must be what the receiver (and Synapse) will read.
  parseRegistration(text, 'the generated registration');
  return text;
}
