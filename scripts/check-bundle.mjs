// Proves Monaco is lazy: nothing statically reachable from the entry chunk comes from monaco-editor,
// while some lazily loaded chunk does. Reads Vite's manifest and the source maps of the production build.
// Also holds the JavaScript the sign-in page loads (the entry and its static imports) to a byte
// budget, gzip: a size, not a timing, so it is checked here; `npm run bench -- --browser` measures
// what a real page load fetches (ADR 015).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const manifestPath = path.join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error('check-bundle: dist/.vite/manifest.json is missing; run `vite build` first.');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) {
  console.error('check-bundle: no entry chunk in the manifest.');
  process.exit(1);
}

/** Every chunk loaded eagerly with the entry (static imports, transitively). */
const eager = new Set();
const visit = (key) => {
  if (eager.has(key)) return;
  eager.add(key);
  for (const dep of manifest[key].imports ?? []) visit(dep);
};
visit(entryKey);

const sourcesOf = (file) => {
  const map = path.join(dist, `${file}.map`);
  if (!existsSync(map)) return [];
  return JSON.parse(readFileSync(map, 'utf8')).sources ?? [];
};
const isMonaco = (src) => src.includes('node_modules/monaco-editor/');

let failed = false;
for (const key of eager) {
  const monacoSources = sourcesOf(manifest[key].file).filter(isMonaco);
  if (monacoSources.length > 0) {
    console.error(
      `check-bundle: eager chunk ${manifest[key].file} contains Monaco, e.g. ${monacoSources[0]}`,
    );
    failed = true;
  }
}
const lazyMonaco = Object.keys(manifest).filter(
  (k) => !eager.has(k) && sourcesOf(manifest[k].file).some(isMonaco),
);
if (lazyMonaco.length === 0) {
  console.error('check-bundle: no lazy chunk contains Monaco — is the editor wired in through React.lazy?');
  failed = true;
}
/** Issue #13: JavaScript before the first interaction ≤ 150 KB gzip. */
const EAGER_BUDGET_BYTES = 150 * 1024;
let eagerBytes = 0;
for (const key of eager) {
  eagerBytes += gzipSync(readFileSync(path.join(dist, manifest[key].file)), { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
if (eagerBytes > EAGER_BUDGET_BYTES) {
  console.error(
    `check-bundle: the entry and its static imports are ${kb(eagerBytes)} gzip, over the ${kb(EAGER_BUDGET_BYTES)} budget; load more of it on demand (ADR 015).`,
  );
  failed = true;
}
if (failed) process.exit(1);
console.log(
  `check-bundle: entry ${manifest[entryKey].file} and ${eager.size - 1} eager chunk(s) are Monaco-free and ${kb(eagerBytes)} gzip (budget ${kb(EAGER_BUDGET_BYTES)}); Monaco lives in ${lazyMonaco.map((k) => manifest[k].file).join(', ')}`,
);
