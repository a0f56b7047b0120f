/**
 * Fails when `src/` has an import cycle. Uses the TypeScript compiler's own module resolution, so
 * it sees exactly the graph `tsc` sees (type-only imports included: they are cycles for humans too).
 * See docs/decisions/003-cycle-check.md for why this is not an ESLint rule.
 */
import ts from 'typescript';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configPath = path.join(root, 'tsconfig.app.json');
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
if (!config) throw new Error(`cannot read ${configPath}`);

const files = config.fileNames.filter((f) => !f.includes('node_modules'));
const graph = new Map<string, string[]>();
for (const file of files) {
  const info = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
  const deps: string[] = [];
  for (const ref of info.importedFiles) {
    const resolved = ts.resolveModuleName(ref.fileName, file, config.options, ts.sys).resolvedModule;
    if (
      resolved &&
      !resolved.isExternalLibraryImport &&
      resolved.resolvedFileName.startsWith(path.join(root, 'src'))
    ) {
      deps.push(path.resolve(resolved.resolvedFileName));
    }
  }
  graph.set(path.resolve(file), deps);
}

// Tarjan's strongly connected components: any component with more than one file (or a self-import) is a cycle.
let index = 0;
const stack: string[] = [];
const onStack = new Set<string>();
const indices = new Map<string, number>();
const lowlink = new Map<string, number>();
const cycles: string[][] = [];

function strongConnect(v: string): void {
  indices.set(v, index);
  lowlink.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!indices.has(w)) {
      strongConnect(w);
      lowlink.set(v, Math.min(lowlink.get(v) ?? 0, lowlink.get(w) ?? 0));
    } else if (onStack.has(w)) {
      lowlink.set(v, Math.min(lowlink.get(v) ?? 0, indices.get(w) ?? 0));
    }
  }
  if (lowlink.get(v) === indices.get(v)) {
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component);
  }
}

for (const file of graph.keys()) if (!indices.has(file)) strongConnect(file);

if (cycles.length > 0) {
  for (const cycle of cycles) {
    process.stderr.write(`import cycle:\n${cycle.map((f) => `  ${path.relative(root, f)}`).join('\n')}\n`);
  }
  process.exit(1);
}
process.stdout.write(`check-cycles: no import cycles in ${graph.size} files\n`);
