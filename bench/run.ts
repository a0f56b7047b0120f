/**
 * `npm run bench`: the pure data-path cases on synthetic data (data-path.ts, the default), or with
 * `--browser` the end-to-end measurements of issue #13 on the local Synapse (browser/main.ts; see
 * the README's "Benchmarks" section for the flags and how to read the table).
 */
export {};

if (process.argv.includes('--browser')) {
  const { runBrowserBench } = await import('./browser/main.ts');
  process.exit(await runBrowserBench(process.argv.slice(2)));
} else {
  await import('./data-path.ts');
}
