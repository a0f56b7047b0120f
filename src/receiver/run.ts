/**
 * `npm run appservice-receiver -- …`: the command line of the transaction receiver (`server.ts`) and
 * of `--generate`, which writes a fresh registration. Tokens are never printed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import {
  RegistrationError,
  defaultUserRegex,
  generateRegistrationYaml,
  parseRegistration,
  type Registration,
} from './registration.ts';
import { startReceiver, type Receiver } from './server.ts';

export const HELP = `Account Data Inspector — application-service transaction receiver

Usage:
  npm run appservice-receiver -- --registration FILE [--port N] [--host 127.0.0.1] [--allow-origin ORIGIN ...]
  npm run appservice-receiver -- --generate FILE [--url URL] [--id ID] [--sender-localpart LOCALPART]
                                  [--user-regex REGEX | --server-name NAME] [--force]

Receiving (--registration):
  Listens for the homeserver's PUT /_matrix/app/v1/transactions/{txnId} (and /users, /rooms, /ping),
  checks its hs_token, records each transaction once, and streams them to the browser app:
  GET /events (Server-Sent Events), GET /transactions (JSON), GET /health.
  --port N             default: the port of the registration's url, else 9000
  --host ADDR          default 127.0.0.1 (loopback only)
  --allow-origin O     a browser origin besides http://127.0.0.1:*, http://localhost:* (repeatable)
  --max-transactions N transactions kept in memory, oldest dropped first (default 1000)

Generating (--generate FILE):
  Writes a new registration with random as_token and hs_token (keep the file private) and prints
  the lines to add to homeserver.yaml.
  --url URL            where the homeserver will reach the receiver (default http://127.0.0.1:9000)
  --id ID              the registration id (default account-data-inspector)
  --sender-localpart L default _inspector
  --user-regex REGEX   the users namespace (exclusive), used as given
  --server-name NAME   or build it as @<sender-localpart>_.*:<NAME>, escaped (default localhost:8008)
  --force              overwrite FILE if it exists

Exit codes: 0 ok, 1 error, 2 usage error.
`;

export type ReceiverIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Registers a SIGINT/SIGTERM handler; returns its removal. */
  onInterrupt: (handler: () => void) => () => void;
  /** Resolves with the receiver once it listens (tests). */
  onListening?: (receiver: Receiver) => void;
};

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type ReceiverArgs =
  | { kind: 'help' }
  | {
      kind: 'receive';
      registration: string;
      port?: number;
      host: string;
      allowOrigins: string[];
      maxTransactions: number;
    }
  | {
      kind: 'generate';
      file: string;
      url: string;
      id: string;
      senderLocalpart: string;
      userRegex: string;
      force: boolean;
    };

const DEFAULT_PORT = 9000;

function positiveInt(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

export function parseReceiverArgs(argv: string[]): ReceiverArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        registration: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'max-transactions': { type: 'string' },
        generate: { type: 'string' },
        url: { type: 'string' },
        id: { type: 'string' },
        'sender-localpart': { type: 'string' },
        'user-regex': { type: 'string' },
        'server-name': { type: 'string' },
        force: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return { kind: 'help' };
  if (values.generate !== undefined && values.registration !== undefined) {
    throw new UsageError('use either --registration or --generate, not both');
  }
  if (values.generate !== undefined) {
    for (const flag of ['port', 'host', 'allow-origin', 'max-transactions'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for receiving, not with --generate`);
    }
    if (values['user-regex'] !== undefined && values['server-name'] !== undefined) {
      throw new UsageError('use either --user-regex or --server-name, not both');
    }
    const url = values.url ?? `http://127.0.0.1:${DEFAULT_PORT}`;
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new UsageError(`--url must be an http(s) URL, not "${url}"`);
    }
    const senderLocalpart = values['sender-localpart'] ?? '_inspector';
    return {
      kind: 'generate',
      file: values.generate,
      url,
      id: values.id ?? 'account-data-inspector',
      senderLocalpart,
      userRegex:
        values['user-regex'] ?? defaultUserRegex(senderLocalpart, values['server-name'] ?? 'localhost:8008'),
      force: values.force ?? false,
    };
  }
  if (values.registration === undefined) {
    throw new UsageError('--registration FILE (or --generate FILE) is required');
  }
  for (const flag of ['url', 'id', 'sender-localpart', 'user-regex', 'server-name', 'force'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --generate`);
  }
  const allowOrigins = values['allow-origin'] ?? [];
  for (const origin of allowOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new UsageError(
        `--allow-origin takes an origin such as https://app.example.org (no path), not "${origin}"`,
      );
    }
  }
  return {
    kind: 'receive',
    registration: values.registration,
    port: positiveInt(values.port, '--port', 0, 65535),
    host: values.host ?? '127.0.0.1',
    allowOrigins,
    maxTransactions: positiveInt(values['max-transactions'], '--max-transactions', 1, 1_000_000) ?? 1000,
  };
}

/** The port to listen on: `--port`, else the registration url's (when it names one), else 9000. */
export function listenPort(args: { port?: number }, registration: Registration): number {
  if (args.port !== undefined) return args.port;
  if (registration.url !== null) {
    const u = new URL(registration.url);
    if (u.port !== '') return Number(u.port);
  }
  return DEFAULT_PORT;
}

/** Runs the command; resolves with the exit code (a receiver resolves once interrupted and closed). */
export async function runReceiverCli(argv: string[], io: ReceiverIo): Promise<number> {
  let args: ReceiverArgs;
  try {
    args = parseReceiverArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`error: ${e.message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (args.kind === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (args.kind === 'generate') return generate(args, io);

  let registration: Registration;
  try {
    registration = parseRegistration(readFileSync(args.registration, 'utf8'), args.registration);
  } catch (e) {
    io.stderr(`error: ${e instanceof RegistrationError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (registration.url === null) {
    io.stderr(
      `warning: ${args.registration} has url: null — the homeserver will push nothing to this receiver\n`,
    );
  }
  let receiver: Receiver;
  try {
    receiver = await startReceiver({
      registration,
      host: args.host,
      port: listenPort(args, registration),
      allowOrigins: args.allowOrigins,
      maxTransactions: args.maxTransactions,
      log: (line) => {
        io.stdout(`${new Date().toISOString()} ${line}\n`);
      },
    });
  } catch (e) {
    io.stderr(`error: cannot listen: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.stdout(
    `Receiving transactions for application service "${registration.id}" at ${receiver.url}\n` +
      `  homeserver pushes to: ${registration.url ?? '(nothing: url is null)'}\n` +
      `  browser stream:       ${receiver.url}/events (also /transactions, /health)\n`,
  );
  io.onListening?.(receiver);
  await new Promise<void>((resolve) => {
    const remove = io.onInterrupt(() => {
      remove();
      resolve();
    });
  });
  io.stdout('Shutting down.\n');
  await receiver.close();
  return 0;
}

function generate(args: Extract<ReceiverArgs, { kind: 'generate' }>, io: ReceiverIo): number {
  const file = path.resolve(args.file);
  if (existsSync(file) && !args.force) {
    io.stderr(`error: ${file} exists; pass --force to replace it (its tokens would change)\n`);
    return 1;
  }
  let text: string;
  try {
    text = generateRegistrationYaml(args);
  } catch (e) {
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  try {
    writeFileSync(file, text, { mode: 0o600 });
  } catch (e) {
    io.stderr(`error: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.stdout(
    `Wrote a new application-service registration "${args.id}" to ${file}\n` +
      `(it holds the as_token and hs_token: keep it private; they are not printed here).\n\n` +
      `Add these lines to the homeserver's homeserver.yaml (the homeserver must be able to read the file),\n` +
      `then restart the homeserver:\n\n` +
      `${stringify({ app_service_config_files: [file] })}\n` +
      `Then start the receiver (the homeserver pushes to ${args.url}):\n\n` +
      `  npm run appservice-receiver -- --registration ${file}\n`,
  );
  return 0;
}
