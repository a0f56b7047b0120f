/**
 * The validation report an editor hands to its feature, built the same way by both implementations.
 *
 * Syntax comes from our own parser ({@link parseContent}), never from Monaco's markers, so the textarea
 * fallback, the save flow and the Monaco editor agree on what "invalid" means. Monaco only adds what
 * needs a JSON-schema engine: the schema problems.
 */
import { parseContent, type ContentWarning, type TextPosition } from './json-text';

/** How serious a problem is; schema problems are `warning` because clients and specs disagree often. */
export type ProblemSeverity = 'error' | 'warning' | 'info' | 'hint';

/** One schema problem, positioned 1-based like the editor's gutter. */
export type SchemaProblem = TextPosition & {
  message: string;
  severity: ProblemSeverity;
  endLine: number;
  endColumn: number;
};

/** What `onValidation` reports, debounced, after every change. */
export type EditorValidation = {
  /** Set when the text is not JSON; includes the position. Saving must be refused. */
  parseError?: string;
  /** Where {@link EditorValidation.parseError} is, for a "go to error" link. */
  parseErrorPosition?: TextPosition;
  /** False for invalid JSON and for valid JSON that is not an object (arrays, strings…). */
  isObject: boolean;
  /** Human message when the JSON is valid but not an object. Saving must be refused. */
  notObjectError?: string;
  /** Valid JSON that would still change on save (duplicate keys, lossy numbers): confirm before saving. */
  contentWarnings: ContentWarning[];
  /**
   * Problems against the type's JSON schema, from Monaco's JSON worker. Advisory: content is user
   * data and the server accepts it anyway. Always empty in the textarea fallback, and it may lag the
   * text by about half a second because the worker debounces.
   */
  schemaProblems: SchemaProblem[];
};

/**
 * Builds the report for `text`, adding schema problems found elsewhere. Schema problems are dropped
 * while the text does not parse: the syntax error is the one thing to fix first.
 */
export function validateText(text: string, schemaProblems: SchemaProblem[] = []): EditorValidation {
  const parsed = parseContent(text);
  if (parsed.ok) return { isObject: true, contentWarnings: parsed.warnings, schemaProblems };
  if (parsed.error === 'not-an-object') {
    return { isObject: false, notObjectError: parsed.message, contentWarnings: [], schemaProblems };
  }
  // Schema problems of text that does not parse come from the worker's error-tolerant guess at the
  // structure, and usually from the text before the last keystroke: noise until the syntax is fixed.
  return {
    parseError: parsed.message,
    ...(parsed.position ? { parseErrorPosition: parsed.position } : {}),
    isObject: false,
    contentWarnings: [],
    schemaProblems: [],
  };
}

/** Equality of two reports, so features are not re-rendered for a keystroke that changed nothing. */
export function sameValidation(a: EditorValidation | undefined, b: EditorValidation): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** The subset of a Monaco marker we read; structural so this module needs no Monaco import. */
export type MarkerLike = {
  message: string;
  severity: number;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  code?: string | { value: string } | undefined;
};

/**
 * Keeps the schema problems among the JSON worker's markers and converts them.
 *
 * The worker reports syntax errors too (codes 0x101–0x2FF in vscode-json-languageservice's
 * `ErrorCode`: unexpected end of string, comma expected, duplicate key…). Those are dropped because
 * {@link validateText} already reports syntax, with the same wording in every implementation.
 */
export function schemaProblemsFromMarkers(markers: readonly MarkerLike[]): SchemaProblem[] {
  return markers
    .filter((marker) => !isSyntaxMarkerCode(marker.code))
    .map((marker) => ({
      message: marker.message,
      severity: severityFromMarker(marker.severity),
      line: marker.startLineNumber,
      column: marker.startColumn,
      endLine: marker.endLineNumber,
      endColumn: marker.endColumn,
    }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function isSyntaxMarkerCode(code: MarkerLike['code']): boolean {
  const raw = typeof code === 'object' ? code.value : code;
  const value = raw === undefined ? NaN : Number(raw);
  return value >= 0x100 && value < 0x300;
}

/** Monaco's `MarkerSeverity` values (Hint 1, Info 2, Warning 4, Error 8) without importing its enum. */
function severityFromMarker(severity: number): ProblemSeverity {
  if (severity >= 8) return 'error';
  if (severity >= 4) return 'warning';
  if (severity >= 2) return 'info';
  return 'hint';
}
