/**
 * `npm run demo`: start the local Synapse, seed a demo account and serve the app.
 *
 * Idempotent: re-running reuses the demo user and only tops up what is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_LOCALPART, DEMO_PASSWORD, seedDemoAccount } from '../test-support/demo-seed.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function log(msg: string): void {
  process.stdout.write(`[demo] ${msg}\n`);
}

async function main(): Promise<void> {
  const up = spawnSync('bash', [path.join(ROOT, 'scripts/homeserver.sh'), 'up', 'main'], {
    stdio: 'inherit',
  });
  if (up.status !== 0) process.exit(up.status ?? 1);

  // Seeds (or tops up) the demo account; the seeder's own device is logged out again.
  const user = await seedDemoAccount({ log });

  const port = process.env.PORT ?? '5173';
  // The vite binary itself, not `npx vite`: a SIGTERM to npx would leave its vite child running.
  const server = spawn(
    path.join(ROOT, 'node_modules/.bin/vite'),
    ['--port', port, '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}/`;
  process.stdout.write(
    [
      '',
      'Account Data Inspector demo is ready.',
      `  App:         ${url}`,
      `  Homeserver:  ${user.homeserver.baseUrl}  (or type the user ID ${user.userId})`,
      `  Username:    ${DEMO_LOCALPART}`,
      `  Password:    ${DEMO_PASSWORD}`,
      '',
      'Press Ctrl-C to stop the app (the homeserver keeps running; `npm run homeserver -- down` stops it).',
      '',
    ].join('\n'),
  );
  const stop = () => {
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
