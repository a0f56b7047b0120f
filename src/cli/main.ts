/**
 * CLI entry point: `npm run cli -- dump|watch …` (`tsx src/cli/main.ts`). See `--help`.
 */
import { runCli, type CliIo } from './run.ts';

const io: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  env: process.env,
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
};

// Let the process end by itself so piped stdout is flushed completely.
process.exitCode = await runCli(process.argv.slice(2), io);
