/**
 * Command-line parsing for the CLI (`npm run cli -- …`), on `node:util` `parseArgs`.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_REDIRECT_TIMEOUT_MS } from './loopback.ts';
import { DEVICE_DATA_UNSUPPORTED, PER_DEVICE_CATALOGUE } from '../matrix/per-device.ts';
import { REDACTED_CONTENT } from '../matrix/redaction.ts';

/** A command-line mistake: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Sub-commands. */
export type CliCommand = 'dump' | 'watch' | 'report';

/** Where a browser sign-in comes back to: the loopback listener (`loopback.ts`). */
export type CliRedirect = {
  /** `--redirect-port`; default any free port. */
  port?: number;
  /** `--redirect-timeout`, ms. */
  timeoutMs: number;
};

/**
 * How to sign in. The secret comes from a flag or an environment variable; SSO and OAuth 2.0 happen
 * in a browser that comes back to a loopback listener.
 */
export type CliAuth =
  | { kind: 'password'; user: string; password: string }
  | { kind: 'token'; token: string }
  | { kind: 'sso'; idpId?: string; redirect: CliRedirect }
  | { kind: 'oauth'; redirect: CliRedirect };

/** Parsed command line. */
export type CliArgs =
  | { kind: 'help' }
  | {
      kind: 'run';
      command: CliCommand;
      /** A URL, server name or user ID (resolved by discovery). */
      homeserver: string;
      auth: CliAuth;
      sync: 'auto' | 'sliding' | 'v3';
      /** `dump`: one line instead of pretty-printed JSON. */
      isCompact: boolean;
      /** `watch`: also print the initial snapshots. */
      isInitialIncluded: boolean;
      /** `dump`: per-device (MSC4331) types to read for every device. */
      deviceTypes: string[];
      /**
       * `dump`/`watch`: print the contents of secret entries (encryption secrets and their metadata,
       * docs/protocol.md §8) instead of the redaction marker.
       */
      isSecretsIncluded: boolean;
      /** `report`: the JSON document instead of the Markdown. */
      isJson: boolean;
      /** Sync status on stderr. */
      isVerbose: boolean;
    };

/** Environment variable for the password (flags show up in `ps`). */
export const ENV_PASSWORD = 'MATRIX_PASSWORD';
/** Environment variable for the access token. */
export const ENV_TOKEN = 'MATRIX_ACCESS_TOKEN';

/** `--help` text. */
export const HELP = `Account Data Inspector CLI

Usage:
  npm run cli -- dump  --homeserver <hs> <sign-in> [options]
  npm run cli -- watch --homeserver <hs> <sign-in> [options]
  npm run cli -- report --homeserver <hs> <sign-in> [--json]

Sign-in, one of:
  --user <user> --password <pw>   password login
  --token <token>                 an existing access token
  --sso [<idp>]                   single sign-on in your browser
  --oauth                         OAuth 2.0 in your browser (servers using the
                                  Matrix Authentication Service, e.g. matrix.org)

Commands:
  dump    Print all account data as one JSON document and exit:
            {"global": {type: content}, "rooms": {roomId: {type: content}},
             "devices": {deviceId: {type: content}}, "orphans": [type],
             "key_backup": {...}, "meta": {...}, "notes": [...]}
          No server lists a device's per-device data (MSC4331), so the known
          per-device types and each --device-type are read on every device:
            ${PER_DEVICE_CATALOGUE.join('\n            ')}
          On a server without MSC4331 a note (also printed on stderr) starts with
            "${DEVICE_DATA_UNSUPPORTED}".
          "orphans" lists per-device entries of global account data
          (io.element.matrix_client_information.<device_id>, ...) whose device is gone.
          "key_backup" is the key-backup preference by MSC4287's rules
          (On/Off/Not set/Invalid), the old reversed key, the server's backup, what a
          new sign-in will do, and warnings.
  watch   Print one JSON line per change (including deletions) until Ctrl-C:
            {"event":"changed","scope":"global","type":…,"content":…}
            {"event":"deleted","scope":"room","room_id":…,"type":…}
            {"event":"room-added"|"room-removed",…}
            {"event":"device-list-changed"}   (your own devices signed in or out)
          With --initial, first one line per scope:
            {"event":"snapshot","scope":"global",…,"data":{type: content},"deleted":[type]}
  report  Print a diagnostic report to paste into a support ticket (Markdown; --json
          for the JSON document): server and its versions, Synapse version when
          readable, sync transport, capabilities (MSC3391, MSC4331, OAuth 2.0), devices
          and their clients, the largest entries (types and sizes only), orphans, the
          key-backup state, and every well-known entry checked against its schema.
          Never contains secret contents or tokens; no --include-secrets.

Secrets: dump and watch print the content of secret entries (secret storage keys,
cross-signing and backup keys, ...: m.secret_storage.*, m.cross_signing.*,
m.megolm_backup.v1, ...) as "${REDACTED_CONTENT}" unless
--include-secrets is given; stderr says how many were redacted.

Options:
  -s, --homeserver <hs>     Homeserver URL, server name (example.org) or user ID
                            (@alice:example.org); resolved with .well-known.
                            May be omitted when --user is a full user ID.
  -u, --user <user>         Localpart or user ID for password login.
  -p, --password <pw>       Password (or set ${ENV_PASSWORD}).
  -t, --token <token>       Existing access token (or set ${ENV_TOKEN}). Use a token of a
                            device dedicated to the inspector: /v3/sync drains its to-device queue.
      --sso [<idp>]         Single sign-on: prints an address to open in your browser and
                            waits on http://127.0.0.1:<port>/callback for it to come back
                            (m.login.sso, then m.login.token). <idp> picks one identity
                            provider of the server (also --sso=<idp>); without it the server
                            lets you choose. Synapse shows a confirmation page first unless
                            the callback address is in its sso.client_whitelist.
      --oauth               OAuth 2.0 (the server's auth_metadata): registers the CLI as a
                            native client with the redirect http://127.0.0.1/callback, prints
                            the address to open in your browser, and waits for it to come
                            back to http://127.0.0.1:<port>/callback.
      --redirect-port <n>   --sso/--oauth: listen on this port (default: any free port).
      --redirect-timeout <s>
                            --sso/--oauth: seconds to wait for the browser
                            (default ${DEFAULT_REDIRECT_TIMEOUT_MS / 1000}: 5 minutes).
      --sync <api>          auto (default), sliding or v3.
      --device-type <type>  dump: another per-device (MSC4331) type to read on every
                            device (repeatable).
      --compact             dump: print on one line.
      --initial             watch: also print the initial snapshots.
      --include-secrets     dump, watch: print secret entries' contents (encryption
                            secrets: keep the output safe). Default: redacted.
      --json                report: print the JSON document instead of Markdown.
  -v, --verbose             Print sync status changes to stderr.
  -h, --help                Show this help.

A password, SSO or OAuth 2.0 sign-in creates its own device ("Account Data Inspector (CLI)"), which
is signed out when the command ends (/logout; OAuth 2.0: the tokens are revoked). A --token device
is left alone. Tokens, passwords, login tokens and codes are never printed.

Exit codes: 0 success, 1 runtime or server error, 2 usage error.
`;

/** Parses `argv` (without `node` and the script). @throws {@link UsageError} */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: withSsoValue(argv),
      allowPositionals: true,
      strict: true,
      options: {
        homeserver: { type: 'string', short: 's' },
        user: { type: 'string', short: 'u' },
        password: { type: 'string', short: 'p' },
        token: { type: 'string', short: 't' },
        sso: { type: 'string' },
        oauth: { type: 'boolean' },
        'redirect-port': { type: 'string' },
        'redirect-timeout': { type: 'string' },
        sync: { type: 'string' },
        'device-type': { type: 'string', multiple: true },
        compact: { type: 'boolean' },
        initial: { type: 'boolean' },
        'include-secrets': { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length === 0) throw new UsageError('Missing command: dump, watch or report.');
  if (positionals.length > 1) throw new UsageError(`Unexpected argument: ${positionals[1] ?? ''}`);
  const command = positionals[0];
  if (command !== 'dump' && command !== 'watch' && command !== 'report')
    throw new UsageError(`Unknown command "${command ?? ''}".`);

  const sync = values.sync ?? 'auto';
  if (sync !== 'auto' && sync !== 'sliding' && sync !== 'v3') {
    throw new UsageError(`--sync must be auto, sliding or v3 (got "${sync}").`);
  }

  const token = values.token ?? nonEmpty(env[ENV_TOKEN]);
  const password = values.password ?? nonEmpty(env[ENV_PASSWORD]);
  let auth: CliAuth;
  const explicit = [
    values.user !== undefined ? '--user' : undefined,
    values.token !== undefined ? '--token' : undefined,
    values.sso !== undefined ? '--sso' : undefined,
    values.oauth ? '--oauth' : undefined,
  ].filter((flag) => flag !== undefined);
  if (explicit.length > 1) {
    throw new UsageError(`Sign in one way only: ${explicit.join(' and ')} were both given.`);
  }
  const isBrowser = values.sso !== undefined || values.oauth === true;
  if (!isBrowser && (values['redirect-port'] !== undefined || values['redirect-timeout'] !== undefined)) {
    throw new UsageError('--redirect-port and --redirect-timeout apply to --sso and --oauth only.');
  }
  if (isBrowser) {
    const redirect: CliRedirect = {
      timeoutMs: parseTimeout(values['redirect-timeout']),
      ...(values['redirect-port'] === undefined ? {} : { port: parsePort(values['redirect-port']) }),
    };
    auth =
      values.sso === undefined
        ? { kind: 'oauth', redirect }
        : { kind: 'sso', ...(values.sso === '' ? {} : { idpId: values.sso }), redirect };
  } else if (values.user !== undefined) {
    if (password === undefined) throw new UsageError(`--user needs --password (or ${ENV_PASSWORD}).`);
    auth = { kind: 'password', user: values.user, password };
  } else if (token !== undefined) {
    auth = { kind: 'token', token };
  } else {
    throw new UsageError(`Sign in with --user and --password, --token (or ${ENV_TOKEN}), --sso or --oauth.`);
  }

  let homeserver = values.homeserver;
  if (homeserver === undefined) {
    if (auth.kind === 'password' && /^@[^:]+:.+/.test(auth.user)) homeserver = auth.user;
    else throw new UsageError('Missing --homeserver (a URL, server name or user ID).');
  }

  if (command !== 'dump' && values['device-type'] !== undefined) {
    throw new UsageError('--device-type applies to dump only.');
  }
  if (command === 'report' && values['include-secrets']) {
    throw new UsageError(
      'A report never contains secrets: --include-secrets applies to dump and watch only.',
    );
  }
  if (command !== 'report' && values.json) throw new UsageError('--json applies to report only.');
  return {
    kind: 'run',
    command,
    homeserver,
    auth,
    sync,
    isCompact: values.compact ?? false,
    isInitialIncluded: values.initial ?? false,
    deviceTypes: values['device-type'] ?? [],
    isSecretsIncluded: values['include-secrets'] ?? false,
    isJson: values.json ?? false,
    isVerbose: values.verbose ?? false,
  };
}

const COMMANDS: ReadonlySet<string> = new Set<CliCommand>(['dump', 'watch', 'report']);

/**
 * `--sso` takes an optional identity provider: `--sso`, `--sso <idp>`, `--sso=<idp>`. parseArgs has
 * no optional values, so a bare `--sso` becomes `--sso=` (the next argument is the provider unless
 * it is an option or a command; an IdP named like a command needs `--sso=<idp>`).
 */
function withSsoValue(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg !== '--sso') {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('-') && !COMMANDS.has(next)) {
      out.push(`--sso=${next}`);
      i++;
    } else {
      out.push('--sso=');
    }
  }
  return out;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
    throw new UsageError(`--redirect-port must be a port number from 1 to 65535 (got "${value}").`);
  }
  return port;
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REDIRECT_TIMEOUT_MS;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--redirect-timeout must be a positive number of seconds (got "${value}").`);
  }
  return Math.round(seconds * 1000);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
