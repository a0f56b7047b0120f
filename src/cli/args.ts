/**
 * Command-line parsing for the CLI (`npm run cli -- …`), on `node:util` `parseArgs`.
 */
import { parseArgs } from 'node:util';
import { DEVICE_DATA_UNSUPPORTED, PER_DEVICE_CATALOGUE } from '../matrix/per-device.ts';

/** A command-line mistake: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Sub-commands. */
export type CliCommand = 'dump' | 'watch';

/** How to sign in. The secret comes from a flag or an environment variable. */
export type CliAuth = { kind: 'password'; user: string; password: string } | { kind: 'token'; token: string };

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
  npm run cli -- dump  --homeserver <hs> (--user <user> --password <pw> | --token <token>) [options]
  npm run cli -- watch --homeserver <hs> (--user <user> --password <pw> | --token <token>) [options]

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

Options:
  -s, --homeserver <hs>     Homeserver URL, server name (example.org) or user ID
                            (@alice:example.org); resolved with .well-known.
                            May be omitted when --user is a full user ID.
  -u, --user <user>         Localpart or user ID for password login.
  -p, --password <pw>       Password (or set ${ENV_PASSWORD}).
  -t, --token <token>       Existing access token (or set ${ENV_TOKEN}). Use a token of a
                            device dedicated to the inspector: /v3/sync drains its to-device queue.
      --sync <api>          auto (default), sliding or v3.
      --device-type <type>  dump: another per-device (MSC4331) type to read on every
                            device (repeatable).
      --compact             dump: print on one line.
      --initial             watch: also print the initial snapshots.
  -v, --verbose             Print sync status changes to stderr.
  -h, --help                Show this help.

A password login creates its own device, which is logged out (deleted) when the command ends.
Tokens and passwords are never printed.

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
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        homeserver: { type: 'string', short: 's' },
        user: { type: 'string', short: 'u' },
        password: { type: 'string', short: 'p' },
        token: { type: 'string', short: 't' },
        sync: { type: 'string' },
        'device-type': { type: 'string', multiple: true },
        compact: { type: 'boolean' },
        initial: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length === 0) throw new UsageError('Missing command: dump or watch.');
  if (positionals.length > 1) throw new UsageError(`Unexpected argument: ${positionals[1] ?? ''}`);
  const command = positionals[0];
  if (command !== 'dump' && command !== 'watch') throw new UsageError(`Unknown command "${command ?? ''}".`);

  const sync = values.sync ?? 'auto';
  if (sync !== 'auto' && sync !== 'sliding' && sync !== 'v3') {
    throw new UsageError(`--sync must be auto, sliding or v3 (got "${sync}").`);
  }

  const token = values.token ?? nonEmpty(env[ENV_TOKEN]);
  const password = values.password ?? nonEmpty(env[ENV_PASSWORD]);
  let auth: CliAuth;
  if (values.user !== undefined && values.token !== undefined) {
    throw new UsageError('Use either --user/--password or --token, not both.');
  }
  if (values.user !== undefined) {
    if (password === undefined) throw new UsageError(`--user needs --password (or ${ENV_PASSWORD}).`);
    auth = { kind: 'password', user: values.user, password };
  } else if (token !== undefined) {
    auth = { kind: 'token', token };
  } else {
    throw new UsageError(`Sign in with --user and --password, or with --token (or ${ENV_TOKEN}).`);
  }

  let homeserver = values.homeserver;
  if (homeserver === undefined) {
    if (auth.kind === 'password' && /^@[^:]+:.+/.test(auth.user)) homeserver = auth.user;
    else throw new UsageError('Missing --homeserver (a URL, server name or user ID).');
  }

  if (command === 'watch' && values['device-type'] !== undefined) {
    throw new UsageError('--device-type applies to dump only.');
  }
  return {
    kind: 'run',
    command,
    homeserver,
    auth,
    sync,
    isCompact: values.compact ?? false,
    isInitialIncluded: values.initial ?? false,
    deviceTypes: values['device-type'] ?? [],
    isVerbose: values.verbose ?? false,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
