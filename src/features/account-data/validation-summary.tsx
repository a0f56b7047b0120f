/**
 * The editor's live problems under the draft: parse and not-an-object errors (announced), content
 * warnings and schema problems (listed quietly, with their line).
 */
import type { EditorValidation } from '../../editor/validation.ts';

export function ValidationSummary({ validation }: { validation: EditorValidation | undefined }) {
  if (!validation) return null;
  const problems: string[] = [];
  if (validation.parseError) problems.push(validation.parseError);
  if (validation.notObjectError) problems.push(validation.notObjectError);
  if (
    problems.length === 0 &&
    validation.schemaProblems.length === 0 &&
    validation.contentWarnings.length === 0
  ) {
    return null;
  }
  return (
    <div className="validation" aria-label="Problems">
      {problems.map((p) => (
        <p key={p} className="validation__error" role="alert">
          {p}
        </p>
      ))}
      {validation.contentWarnings.map((w) => (
        <p key={`w${w.line}:${w.column}:${w.message}`} className="validation__warning">
          Line {w.line}: {w.message}
        </p>
      ))}
      {validation.schemaProblems.map((p) => (
        <p key={`s${p.line}:${p.column}:${p.message}`} className="validation__warning">
          Schema, line {p.line}: {p.message}
        </p>
      ))}
    </div>
  );
}
