/**
 * Reads an application-service registration file (docs/protocol.md §7) with the `yaml` package, never
 * by hand. Keeps what the inspector needs to act for the service's users — `id`, `as_token`,
 * `sender_localpart` and the user namespaces' regexes — and the `url` the homeserver pushes
 * transactions to (where a transaction receiver listens); it drops everything else, the `hs_token` in
 * particular: it authenticates the homeserver to the service, the inspector never needs it, and it is
 * never kept.
 *
 * Errors name the field and the line, never a token: a YAML library's message quotes the offending
 * source line, so only its first sentence is kept.
 */
import { parse, YAMLError } from 'yaml';
import { isRecord } from '../json.ts';
import { compilePythonRegex } from './namespace.ts';

/** What the inspector keeps of a registration. */
export type AppserviceRegistration = {
  id: string;
  asToken: string;
  senderLocalpart: string;
  /** `namespaces.users[].regex`, as written (Python syntax). */
  userRegexes: string[];
  /** Where the homeserver pushes transactions; absent when `null` or missing (push nothing). */
  url?: string;
};

/** The registration text cannot be used; {@link message} says why, for people. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
}

const REQUIRED = ['id', 'as_token', 'sender_localpart'] as const;

/** Parses a registration's YAML. @throws {@link RegistrationError} */
export function parseRegistration(text: string): AppserviceRegistration {
  if (text.trim() === '') throw new RegistrationError('Paste the registration YAML first.');
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new RegistrationError(`The registration is not valid YAML: ${yamlReason(error)}`);
  }
  if (!isRecord(document) || Array.isArray(document)) {
    throw new RegistrationError(
      'The registration must be a YAML mapping with id, as_token, sender_localpart and namespaces.',
    );
  }
  const missing = REQUIRED.filter((key) => typeof document[key] !== 'string' || document[key].trim() === '');
  if (missing.length > 0) {
    throw new RegistrationError(
      `The registration lacks ${missing.join(', ')} (${missing.length === 1 ? 'a string' : 'strings'} the homeserver requires too).`,
    );
  }
  return {
    id: (document.id as string).trim(),
    asToken: (document.as_token as string).trim(),
    senderLocalpart: (document.sender_localpart as string).trim(),
    userRegexes: userRegexesOf(document.namespaces),
    ...(typeof document.url === 'string' && document.url.trim() !== '' ? { url: document.url.trim() } : {}),
  };
}

function userRegexesOf(namespaces: unknown): string[] {
  if (namespaces === undefined || namespaces === null) return [];
  if (!isRecord(namespaces) || Array.isArray(namespaces)) {
    throw new RegistrationError('namespaces must be a mapping (users, aliases, rooms).');
  }
  const users = namespaces.users;
  if (users === undefined || users === null) return [];
  if (!Array.isArray(users)) {
    throw new RegistrationError('namespaces.users must be a list of {exclusive, regex}.');
  }
  return users.map((item: unknown, index) => {
    const regex = isRecord(item) ? item.regex : undefined;
    if (typeof regex !== 'string') {
      throw new RegistrationError(`namespaces.users[${index}] has no regex (a string).`);
    }
    try {
      compilePythonRegex(regex);
    } catch (error) {
      throw new RegistrationError(
        `namespaces.users[${index}].regex is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return regex;
  });
}

/** The YAML error's first sentence and position, without the quoted source line (it may hold a token). */
function yamlReason(error: unknown): string {
  if (!(error instanceof YAMLError)) return error instanceof Error ? error.message : String(error);
  const first = error.message.split('\n')[0] ?? error.code;
  const sentence = first.replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  return at ? `${sentence} (line ${at.line}, column ${at.col}).` : `${sentence}.`;
}
