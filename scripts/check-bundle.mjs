// Proves Monaco is lazy: nothing statically reachable from the entry chunk comes from monaco-editor,
// while some lazily loaded chunk does. Reads Vite's manifest and the source maps of the production build.
import { readFileSync, existsSync } from 'node:fs';
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
if (failed) process.exit(1);
console.log(
  `check-bundle: entry ${manifest[entryKey].file} and ${eager.size - 1} eager chunk(s) are Monaco-free; Monaco lives in ${lazyMonaco.map((k) => manifest[k].file).join(', ')}`,
);
