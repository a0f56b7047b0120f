/**
 * Fails when code cites documentation that is not there. It scans the code folders for
 *
 * - section citations of `docs/protocol.md` (the file name, a space, `§` and a number such as 4 or
 *   4.5; follow-ups chained right after it, as in "§2, §8" or "§4.1–§4.5", are checked too): the
 *   number must be the number of a heading in docs/protocol.md;
 * - paths of Markdown documents under `docs/` (the decision records in docs/decisions/, the
 *   architecture overview, …): the file must exist;
 * - the retired citation form (the word PROTOCOL followed by `§`), which names a file that is not
 *   in the repository: every occurrence is an error.
 *
 * Usage: `tsx scripts/check-doc-refs.ts [dir …]`. Without arguments it scans src/, scripts/, e2e/,
 * integration/, test-support/ and bench/ of this repository; with arguments it scans those
 * directories instead (docs are still resolved in this repository). Exit code 1 lists file:line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The folders scanned by default, relative to the repository root. */
export const DEFAULT_DIRS = ['src', 'scripts', 'e2e', 'integration', 'test-support', 'bench'];
/** File name endings that are scanned. */
export const EXTENSIONS = ['.ts', '.tsx', '.sh', '.mjs'];
/** Where section citations point, relative to the repository root. */
export const PROTOCOL_DOC = 'docs/protocol.md';

/** One citation found in a source text. `line` is 1-based. */
export type Citation =
  | { kind: 'section'; line: number; section: string }
  | { kind: 'file'; line: number; file: string }
  | { kind: 'legacy'; line: number; text: string };

/** One broken citation. */
export interface Problem {
  file: string;
  line: number;
  message: string;
}

const SECTION_NUMBER = String.raw`\d+(?:\.\d+)*`;
// A citation of the protocol doc and the section references chained right after it.
const SECTION_CITATION = new RegExp(
  String.raw`docs/protocol\.md §(${SECTION_NUMBER})((?:\s*(?:,|/|–|—|-|and|or)\s*§${SECTION_NUMBER})*)`,
  'g',
);
const CHAINED_SECTION = new RegExp(`§(${SECTION_NUMBER})`, 'g');
// Any path of a Markdown document under docs/ (the protocol doc included).
const DOC_PATH = /(?<![\w./-])docs\/[\w.-]+(?:\/[\w.-]+)*\.md\b/g;
// The retired form: written with a character class so that this file does not contain it.
const LEGACY_CITATION = /PROTOCOL[ ]§(?:\d+(?:\.\d+)*)?/g;

/**
 * The section numbers of a Markdown document's numbered headings: `## 4. Sliding sync` gives "4",
 * `### 4.5 Errors` gives "4.5". Headings inside fenced code blocks are ignored.
 */
export function headingNumbers(markdown: string): Set<string> {
  const numbers = new Set<string>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fenceMatch?.[1]) {
      const marker = fenceMatch[1];
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const heading = new RegExp(String.raw`^#{1,6}\s+(${SECTION_NUMBER})\.?(?:\s|$)`).exec(line);
    if (heading?.[1]) numbers.add(heading[1]);
  }
  return numbers;
}

/** Every citation in one source text, in order. */
export function findCitations(text: string): Citation[] {
  const found: Citation[] = [];
  text.split('\n').forEach((lineText, index) => {
    const line = index + 1;
    for (const match of lineText.matchAll(SECTION_CITATION)) {
      if (match[1]) found.push({ kind: 'section', line, section: match[1] });
      for (const chained of (match[2] ?? '').matchAll(CHAINED_SECTION)) {
        if (chained[1]) found.push({ kind: 'section', line, section: chained[1] });
      }
    }
    for (const match of lineText.matchAll(DOC_PATH)) found.push({ kind: 'file', line, file: match[0] });
    for (const match of lineText.matchAll(LEGACY_CITATION))
      found.push({ kind: 'legacy', line, text: match[0] });
  });
  return found;
}

/** What the check knows about the docs: the protocol doc's section numbers and which files exist. */
export interface DocIndex {
  sections: ReadonlySet<string>;
  fileExists: (repoRelativePath: string) => boolean;
}

/** The problems among one file's citations. Pure: `file` is only used to label the problems. */
export function checkText(file: string, text: string, docs: DocIndex): Problem[] {
  const problems: Problem[] = [];
  for (const citation of findCitations(text)) {
    if (citation.kind === 'section' && !docs.sections.has(citation.section)) {
      problems.push({
        file,
        line: citation.line,
        message: `${PROTOCOL_DOC} has no section §${citation.section}`,
      });
    } else if (citation.kind === 'file' && !docs.fileExists(citation.file)) {
      problems.push({ file, line: citation.line, message: `${citation.file} does not exist` });
    } else if (citation.kind === 'legacy') {
      problems.push({
        file,
        line: citation.line,
        message: `"${citation.text}" cites a file that is not in the repository; cite ${PROTOCOL_DOC} §N instead`,
      });
    }
  }
  return problems;
}

/** All scanned files under `dir` (recursively; node_modules and dot folders skipped), sorted. */
export function listSourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      files.push(...listSourceFiles(full));
    } else if (entry.isFile() && EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
      files.push(full);
    }
  }
  return files.sort();
}

/** Reads docs/protocol.md and checks every file in `dirs` against it. */
export function checkDocRefs(
  repoRoot: string,
  dirs: readonly string[],
): { problems: Problem[]; files: number } {
  const protocolPath = path.join(repoRoot, PROTOCOL_DOC);
  const docs: DocIndex = {
    sections: fs.existsSync(protocolPath) ? headingNumbers(fs.readFileSync(protocolPath, 'utf8')) : new Set(),
    fileExists: (relative) => fs.existsSync(path.join(repoRoot, relative)),
  };
  const problems: Problem[] = [];
  let files = 0;
  for (const dir of dirs) {
    for (const file of listSourceFiles(path.resolve(repoRoot, dir))) {
      files++;
      problems.push(...checkText(path.relative(process.cwd(), file), fs.readFileSync(file, 'utf8'), docs));
    }
  }
  return { problems, files };
}

function main(args: readonly string[]): void {
  const dirs = args.length > 0 ? args.map((a) => path.resolve(a)) : DEFAULT_DIRS;
  const { problems, files } = checkDocRefs(root, dirs);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
    process.stderr.write(`check-doc-refs: ${problems.length} broken citation(s) in ${files} files\n`);
    process.exit(1);
  }
  process.stdout.write(`check-doc-refs: every documentation citation resolves (${files} files)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
