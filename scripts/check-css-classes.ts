/**
 * Fails when a component names a CSS class that no stylesheet defines (a class built for a state
 * the theme never styles is a bug that renders silently: issue #7). Checks the literal class names
 * of `className="…"` and `className={'…'}` in the `.tsx` files under `src/` (tests excluded)
 * against the selectors of the `.css` files under `src/`. Class names built at run time
 * (`badge--${variant}`) cannot be checked here; map such states to a defined variant instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return files(full, ext);
    return d.name.endsWith(ext) ? [full] : [];
  });
}

const defined = new Set<string>();
for (const css of files(src, '.css')) {
  for (const match of readFileSync(css, 'utf8').matchAll(/\.(-?[_a-zA-Z][\w-]*)/g))
    defined.add(match[1] ?? '');
}

const missing: string[] = [];
for (const file of files(src, '.tsx').filter((f) => !f.endsWith('.test.tsx'))) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    for (const match of line.matchAll(/className=(?:"([^"]*)"|\{'([^']*)'\})/g)) {
      for (const name of (match[1] ?? match[2] ?? '').split(/\s+/).filter(Boolean)) {
        if (!defined.has(name))
          missing.push(`${path.relative(root, file)}:${i + 1}: .${name} is not defined in any stylesheet`);
      }
    }
  });
}

if (missing.length > 0) {
  process.stderr.write(`${missing.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`check-css-classes: every literal class name is defined (${defined.size} classes)\n`);
