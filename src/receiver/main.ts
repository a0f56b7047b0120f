/**
 * Transaction receiver entry point: `npm run appservice-receiver -- …` (`tsx src/receiver/main.ts`).
 * See `--help` and `server.ts`.
 */
import { runReceiverCli } from './run.ts';

process.exitCode = await runReceiverCli(process.argv.slice(2), {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  onInterrupt: (handler) => {
    const listener = () => {
      handler();
    };
    process.on('SIGINT', listener);
    process.on('SIGTERM', listener);
    return () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    };
  },
});
